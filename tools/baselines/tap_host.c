/* Baseline for the net lines: a host process writing frames to the same TAP the guest uses,
 * one write(2) per frame (a TAP takes one frame per write), on a non-blocking fd like the net
 * module's (the kernel then takes the same build_skb path), with the same frame bytes as
 * examples/bench-net: unicast to a MAC nobody has, ethertype 0x88B5, so the network stack
 * drops them at once. Like the guest, PASSES passes of N frames, the fastest reported.
 *
 *   tap_host TAP FRAME_SIZE N [PASSES] [filtered]
 *     -> bench: net_write size=.. frames=.. ns=.. fps=.. passes=.. filtered=0|1
 *
 * `filtered` first installs a seccomp filter shaped like the one ukmon's seccomp backend
 * runs a net guest under (same calls, same argument checks, default TRAP). It is not a
 * baseline of the table; it shows how much of the gap to the plain writer is the filter
 * itself, evaluated on every write. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

/* One frame; a full queue (EAGAIN, which a TAP does not really produce) is retried. */
static int put(int fd, const unsigned char *frame, size_t size)
{
    for (;;) {
        ssize_t n = write(fd, frame, size);
        if (n == (ssize_t)size)
            return 0;
        if (n < 0 && errno == EAGAIN)
            continue;
        perror("write");
        return -1;
    }
}

/* ukmon's seccomp policy for a guest with one NIC (tools/ukcompare --print-filter of
 * bench-net), plus what this process's own exit path needs. */
static int install_filter(int tap)
{
    scmp_filter_ctx c = seccomp_init(SCMP_ACT_TRAP);
    int r = c ? 0 : -1;
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 1));
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, 2));
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(write), 1, SCMP_A0(SCMP_CMP_EQ, (unsigned)tap));
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(readv), 1, SCMP_A0(SCMP_CMP_EQ, (unsigned)tap));
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(ppoll), 2, SCMP_A1(SCMP_CMP_EQ, 1), SCMP_A3(SCMP_CMP_EQ, 0));
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(clock_gettime), 0);
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(clock_nanosleep), 0);
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(exit_group), 0);
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(fstat), 0);      /* stdio's first printf */
    r |= seccomp_rule_add(c, SCMP_ACT_ALLOW, SCMP_SYS(newfstatat), 0);
    r |= seccomp_load(c);
    if (c)
        seccomp_release(c);
    return r;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: tap_host TAP FRAME_SIZE N [PASSES] [filtered]\n");
        return 2;
    }
    size_t size = strtoull(argv[2], NULL, 0);
    unsigned long long n = strtoull(argv[3], NULL, 0);
    int passes = argc > 4 ? atoi(argv[4]) : 3;
    int filtered = argc > 5 && strcmp(argv[5], "filtered") == 0;
    if (passes < 1)
        passes = 1;
    if (size < 60 || size > 65535) {
        fprintf(stderr, "tap_host: frame size %zu out of range\n", size);
        return 2;
    }
    int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        perror("/dev/net/tun");
        return 2;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        perror("TUNSETIFF");
        return 2;
    }
    unsigned char *frame = aligned_alloc(4096, (size + 4095) / 4096 * 4096); /* like the guest's */
    if (!frame)
        return 2;
    memset(frame, 0, size);
    static const unsigned char hdr[14] = {0x02, 0x00, 0x00, 0xbe, 0x4c, 0x01,  /* dst */
                                          0x02, 0x00, 0x00, 0xbe, 0x4c, 0x02,  /* src */
                                          0x88, 0xb5};
    memcpy(frame, hdr, sizeof hdr);
    for (size_t i = sizeof hdr; i < size; ++i)
        frame[i] = (unsigned char)i;
    if (filtered && install_filter(fd) != 0) {
        fprintf(stderr, "tap_host: could not install the seccomp filter\n");
        return 2;
    }
    for (int i = 0; i < 64; ++i) /* warm up */
        if (put(fd, frame, size) != 0)
            return 2;
    unsigned long long best = ~0ull;
    for (int p = 0; p < passes; ++p) {
        unsigned long long t0 = now_ns();
        for (unsigned long long i = 0; i < n; ++i)
            if (put(fd, frame, size) != 0)
                return 2;
        unsigned long long t = now_ns() - t0;
        best = t < best ? t : best;
    }
    printf("bench: net_write size=%zu frames=%llu ns=%llu fps=%.0f passes=%d filtered=%d\n", size, n, best,
           (double)n / ((double)best / 1e9), passes, filtered);
    return 0;
}
