/* net_bad_calls: the net hypercalls given what the wrappers never would — bad handles
 * (unknown, a blk device's), bad lengths, pointers outside guest memory or wrapping, bad
 * batch sizes — and frames that do not fit the reader's buffer. Prints "ok - ..." or
 * "not ok - ..." per check and halts with the number of failures.
 *   net_bad_calls ... -- MTU MAC      checks with no traffic, then "ready for frames", then
 *                                     expects four UDP frames of 142, 100, 101, 43 bytes
 *   net_bad_calls ... -- fault        netwrite with its argument struct outside guest memory
 * Declares net "service" and blk "disk". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_NET(service);
UK_DECLARE_BLK(disk);

static int failures;
static uint64_t nic, blk;
static uint64_t done; /* the OUT count of the last call: done_len, done or ready_set */
static uint8_t frame[2048], other[2048];
/* Read-only to the guest (rodata): a hypercall must not write where the guest cannot. */
static const uint8_t ro_buf[2048] = {0x5a};
static const struct uk_net_frame ro_vec[1] = {{(uint64_t)(uintptr_t)frame, sizeof frame, 7}};

static const char *status_name(int st)
{
    static const char *names[] = {"OK", "EAGAIN", "EINVAL", "EFAULT", "EBADF", "EROFS", "EIO"};
    return st >= 0 && st <= UK_EIO ? names[st] : "?";
}

static void report(int ok, const char *what, int st)
{
    printf("%s - %s (got %s, %llu)\n", ok ? "ok" : "not ok", what, status_name(st), (unsigned long long)done);
    failures += !ok;
}

/* The call is made first, then its status compared with `want` and `also` evaluated. */
#define EXPECT(call, want, also, what)                                                                 \
    do {                                                                                               \
        int st_ = (call);                                                                              \
        report(st_ == (want) && (also), what, st_);                                                    \
    } while (0)

static int netio(uint64_t nr, uint64_t handle, uint64_t data, uint64_t len)
{
    struct uk_hc_netio a = {0, handle, data, len, 0};
    uk_hypercall(nr, &a);
    done = a.done_len;
    return (int)a.ret;
}

static int netv(uint64_t nr, uint64_t handle, uint64_t frames, uint64_t count)
{
    struct uk_hc_netv a = {0, handle, frames, count, 0};
    uk_hypercall(nr, &a);
    done = a.done;
    return (int)a.ret;
}

static int poll_now(uint64_t timeout_ns) { return uk_poll(timeout_ns, &done); }

#define ADDR(p) ((uint64_t)(uintptr_t)(p))
#define W UK_HC_NETWRITE
#define R UK_HC_NETREAD

/* Waits up to 3 s for a frame on the NIC; 1 if one is there. */
static int wait_frame(void)
{
    uint64_t ready = 0;
    for (int i = 0; i < 30 && !(ready >> nic & 1); ++i)
        uk_poll(100000000ull, &ready);
    return (int)(ready >> nic & 1);
}

static void netinfo_checks(uint64_t mtu, const char *mac_text)
{
    struct uk_hc_netinfo info;
    char mac[18];
    EXPECT(uk_netinfo(nic, &info), UK_OK, info.mtu == mtu, "netinfo reports the TAP's MTU");
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", info.mac[0], info.mac[1], info.mac[2], info.mac[3],
             info.mac[4], info.mac[5]);
    EXPECT(UK_OK, UK_OK, strcmp(mac, mac_text) == 0, "netinfo reports the MAC given");
    EXPECT(uk_netinfo(blk, &info), UK_EBADF, 1, "netinfo on a blk handle is EBADF");
    EXPECT(uk_netinfo(UK_MAX_DEVICES, &info), UK_EBADF, 1, "netinfo on handle 16 is EBADF");
    EXPECT(uk_netinfo(UINT64_MAX, &info), UK_EBADF, 1, "netinfo on handle 2^64-1 is EBADF");
}

static void netio_checks(uint64_t mtu)
{
    const uint64_t mem = uk_boot_info()->mem_size, f = ADDR(frame);
    memset(frame, 0xff, 12); /* broadcast, from ff:..: harmless inside the test namespace */
    frame[12] = 0x88, frame[13] = 0xb5; /* local experimental EtherType */
    EXPECT(netio(W, nic, f, 60), UK_OK, done == 60, "netwrite of 60 bytes");
    EXPECT(netio(W, nic, f, mtu + 14), UK_OK, done == mtu + 14, "netwrite of mtu+14 bytes");
    EXPECT(netio(W, blk, f, 60), UK_EBADF, done == 0, "netwrite on a blk handle is EBADF");
    EXPECT(netio(W, 99, f, 60), UK_EBADF, 1, "netwrite on handle 99 is EBADF");
    EXPECT(netio(W, nic, f, 13), UK_EINVAL, done == 0, "netwrite of 13 bytes is EINVAL");
    EXPECT(netio(W, nic, f, 0), UK_EINVAL, 1, "netwrite of 0 bytes is EINVAL");
    EXPECT(netio(W, nic, f, mtu + 15), UK_EINVAL, 1, "netwrite of mtu+15 bytes is EINVAL");
    EXPECT(netio(W, nic, f, UINT64_MAX), UK_EINVAL, 1, "netwrite of 2^64-1 bytes is EINVAL");
    EXPECT(netio(W, nic, 0, 60), UK_EFAULT, 1, "netwrite from address 0 is EFAULT");
    EXPECT(netio(W, nic, mem - 30, 60), UK_EFAULT, 1, "netwrite across the end of memory is EFAULT");
    EXPECT(netio(W, nic, UINT64_MAX - 10, 60), UK_EFAULT, 1, "netwrite from a wrapping address is EFAULT");

    EXPECT(netio(R, nic, f, sizeof frame), UK_EAGAIN, done == 0, "netread with no frame waiting is EAGAIN");
    EXPECT(netio(R, blk, f, sizeof frame), UK_EBADF, 1, "netread on a blk handle is EBADF");
    EXPECT(netio(R, nic, f, 13), UK_EINVAL, 1, "netread into 13 bytes is EINVAL");
    EXPECT(netio(R, nic, mem - 100, 2000), UK_EFAULT, 1, "netread across the end of memory is EFAULT");
    EXPECT(netio(R, nic, UINT64_MAX - 10, 2000), UK_EFAULT, 1, "netread to a wrapping address is EFAULT");
    /* The guest's own rights: read-only pages are not a netread buffer (EFAULT, checked before
     * the NIC is read: EAGAIN here would mean the buffer passed). */
    const uint8_t text_before = *(const volatile uint8_t *)(uintptr_t)ADDR(netio);
    EXPECT(netio(R, nic, ADDR(netio), 64), UK_EFAULT, done == 0, "netread into the guest's text is EFAULT");
    EXPECT(netio(R, nic, ADDR(ro_buf), sizeof ro_buf), UK_EFAULT, ro_buf[0] == 0x5a, "netread into rodata is EFAULT");
    EXPECT(netio(R, nic, ADDR(ro_buf) + sizeof ro_buf - 14, 14), UK_EFAULT, 1, "netread into rodata's last 14 bytes is EFAULT");
    EXPECT(UK_OK, UK_OK, *(const volatile uint8_t *)(uintptr_t)ADDR(netio) == text_before, "the text is unchanged");
    EXPECT(netio(W, nic, ADDR(netio), 60), UK_OK, done == 60, "netwrite from the guest's text is fine (it may read it)");
}

static void batch_checks(void)
{
    const uint64_t mem = uk_boot_info()->mem_size;
    struct uk_net_frame v[3] = {{ADDR(frame), 60, 99}, {ADDR(frame), 13, 99}, {ADDR(frame), 60, 99}};
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(v), 3), UK_EINVAL,
           done == 1 && v[0].done_len == 60 && v[1].done_len == 0 && v[2].done_len == 0,
           "netwritev stops at a bad frame: 1 done, EINVAL, done_len 60/0/0");
    v[1].len = 60, v[1].data = mem - 10;
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(v), 3), UK_EFAULT, done == 1,
           "netwritev stops at a frame outside memory: 1 done, EFAULT");
    v[1].data = ADDR(frame);
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(v), 3), UK_OK, done == 3 && v[2].done_len == 60, "netwritev of 3 frames");
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(v), 0), UK_EINVAL, done == 0, "netwritev of 0 frames is EINVAL");
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(v), UK_NET_BATCH_MAX + 1), UK_EINVAL, 1,
           "netwritev of UK_NET_BATCH_MAX+1 frames is EINVAL");
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(v), UINT64_MAX / 8), UK_EINVAL, 1,
           "netwritev of 2^61 frames is EINVAL (count * 24 would wrap)");
    EXPECT(netv(UK_HC_NETWRITEV, nic, mem - 24, 2), UK_EFAULT, done == 0,
           "netwritev with its vector across the end of memory is EFAULT");
    EXPECT(netv(UK_HC_NETWRITEV, blk, ADDR(v), 1), UK_EBADF, 1, "netwritev on a blk handle is EBADF");
    v[0] = (struct uk_net_frame){ADDR(frame), sizeof frame, 7};
    v[1] = (struct uk_net_frame){ADDR(other), sizeof other, 7};
    EXPECT(netv(UK_HC_NETREADV, nic, ADDR(v), 2), UK_EAGAIN, done == 0 && v[0].done_len == 0,
           "netreadv with no frame waiting: 0 done, EAGAIN");
    EXPECT(netv(UK_HC_NETREADV, nic, UINT64_MAX - 30, 2), UK_EFAULT, 1, "netreadv with a wrapping vector is EFAULT");
    EXPECT(netv(UK_HC_NETREADV, nic, ADDR(ro_vec), 1), UK_EFAULT, done == 0 && ro_vec[0].done_len == 7,
           "netreadv with its frame vector in rodata is EFAULT (done_len is written back)");
    EXPECT(netv(UK_HC_NETWRITEV, nic, ADDR(ro_vec), 1), UK_EFAULT, done == 0 && ro_vec[0].done_len == 7,
           "netwritev with its frame vector in rodata is EFAULT");
    v[0] = (struct uk_net_frame){ADDR(ro_buf), sizeof ro_buf, 7};
    EXPECT(netv(UK_HC_NETREADV, nic, ADDR(v), 1), UK_EFAULT, done == 0 && v[0].done_len == 0 && ro_buf[0] == 0x5a,
           "netreadv of a frame into rodata is EFAULT, done_len 0");
    v[0] = (struct uk_net_frame){ADDR(netio), 64, 7};
    EXPECT(netv(UK_HC_NETREADV, nic, ADDR(v), 1), UK_EFAULT, done == 0 && v[0].done_len == 0,
           "netreadv of a frame into the guest's text is EFAULT");
    EXPECT(netv(UK_HC_NETREADV, 99, ADDR(v), 2), UK_EBADF, 1, "netreadv on handle 99 is EBADF");
    done = 99;
    EXPECT(poll_now(0), UK_OK, done == 0, "poll with nothing waiting: ready_set 0");
}

static void with_traffic(void)
{
    const uint64_t f = ADDR(frame);
    puts("ready for frames");
    EXPECT(poll_now(UINT64_MAX), UK_OK, done == 1ull << nic, "poll with timeout 2^64-1 ns returns when a frame arrives");
    EXPECT(poll_now(0), UK_OK, done == 1ull << nic, "ready_set has the NIC's bit only");
    EXPECT(netio(R, nic, f, 20), UK_EINVAL, done == 0, "netread of a 142-byte frame into 20 bytes is EINVAL");
    wait_frame();
    EXPECT(netio(R, nic, f, 100), UK_OK, done == 100,
           "the cut frame was dropped: the next read gets the 100-byte frame into exactly 100 bytes");
    wait_frame();
    EXPECT(netio(R, nic, f, 100), UK_EINVAL, done == 0, "netread of a 101-byte frame into 100 bytes is EINVAL");
    struct uk_net_frame v[2] = {{f, sizeof frame, 7}, {ADDR(other), sizeof other, 7}};
    wait_frame();
    EXPECT(netv(UK_HC_NETREADV, nic, ADDR(v), 2), UK_EAGAIN, done == 1 && v[0].done_len == 43 && v[1].done_len == 0,
           "netreadv of 2 with 1 frame waiting: 1 done (43 bytes), then EAGAIN");
}

int main(int argc, char **argv)
{
    nic = (uint64_t)uk_device_handle(UK_DEV_NET, "service");
    blk = (uint64_t)uk_device_handle(UK_DEV_BLK, "disk");
    if (argc == 2 && strcmp(argv[1], "fault") == 0) {
        uk_hypercall(UK_HC_NETWRITE, (void *)(uintptr_t)0x7fff00000000ull);
        puts("not ok - the run went on after a netwrite argument outside memory");
        return 1;
    }
    if (argc != 3) {
        puts("usage: net_bad_calls ... -- MTU MAC | fault");
        return 100;
    }
    netinfo_checks(strtoul(argv[1], 0, 10), argv[2]);
    netio_checks(strtoul(argv[1], 0, 10));
    batch_checks();
    with_traffic();
    printf("%d failures\n", failures);
    return failures;
}
