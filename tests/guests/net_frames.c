/* net_frames: the guest library's net calls as a guest sees them, on NIC "service". Under kvm
 * they go through the net ring (sends queued, uk_poll reading ahead); under seccomp they are
 * direct calls: every mode must behave the same on both. Frames use EtherType 0x88b5 (local
 * experimental) and carry a 32-bit sequence number at offset 14; other frames are not ours.
 *   net_frames -- burst N     sends frames 0..N-1 (uk_netwrite and uk_netwritev in turn),
 *                             then halts at once: all must leave, in order
 *   net_frames -- spin MS     sends frames 1 and 2 each before MS ms of computing without a
 *                             call: each must leave long before the computing ends
 *   net_frames -- reads N     prints "ready", then reads N frames one call at a time (a
 *                             uk_netread, then a uk_netreadv of 2, in turn; frame 3 into a
 *                             buffer too small for it) and prints what each call got
 *   net_frames -- netpoll     the poll-and-read hypercall with bad arguments, once a frame
 *                             waits: each gets its status, and the frame is still there
 *   net_frames -- idle MS     sends one frame, then sleeps MS ms in uk_poll */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_NET(service);

static uint64_t nic;
static uint8_t frames[8][1514];
static int failures;

static void check(int ok, const char *what, long long got)
{
    printf("%s - %s (got %lld)\n", ok ? "ok" : "not ok", what, got);
    failures += !ok;
}

static size_t make_frame(uint8_t *f, uint32_t seq)
{
    static struct uk_hc_netinfo info;
    if (!info.mtu)
        uk_netinfo(nic, &info);
    memset(f, 0xff, 6); /* broadcast: the host's capture sees it */
    memcpy(f + 6, info.mac, 6);
    f[12] = 0x88, f[13] = 0xb5;
    memcpy(f + 14, &seq, 4);
    size_t len = 60 + seq % 100; /* sizes vary */
    for (size_t i = 18; i < len; ++i)
        f[i] = (uint8_t)(seq + i);
    return len;
}

static void burst(uint32_t n)
{
    for (uint32_t seq = 0; seq < n;) {
        if (seq % 3 == 2 && seq + 3 <= n) { /* a vector of three */
            struct uk_net_frame v[3];
            for (int i = 0; i < 3; ++i)
                v[i] = (struct uk_net_frame){(uint64_t)(uintptr_t)frames[i], make_frame(frames[i], seq + (uint32_t)i), 0};
            size_t done = 0;
            int r = uk_netwritev(nic, v, 3, &done);
            if (r != UK_OK || done != 3 || v[2].done_len != v[2].len)
                check(0, "uk_netwritev of three", r);
            seq += 3;
        } else {
            size_t len = make_frame(frames[0], seq);
            int r = uk_netwrite(nic, frames[0], len);
            if (r != UK_OK)
                check(0, "uk_netwrite", r);
            seq += 1;
        }
    }
    printf("sent %u frames\n", n);
}

static void compute(uint64_t ms)
{
    /* No call of any kind: the TSC only (uk_monotonic_ns makes no exit). */
    volatile uint64_t sink = 0;
    uint64_t t0 = uk_monotonic_ns();
    while (uk_monotonic_ns() - t0 < ms * 1000000ull)
        for (int i = 0; i < 1000; ++i)
            sink += (uint64_t)i;
}

static void send_one(uint32_t seq)
{
    size_t len = make_frame(frames[0], seq);
    check(uk_netwrite(nic, frames[0], len) == UK_OK, "a frame sent", seq);
}

/* Frame 1 is sent 50 ms after an exit (the ring's thread dozes then), frame 2 300 ms after
 * one (it sleeps until kicked then); each is followed by MS ms of computing without a call. */
static void spin(uint64_t ms)
{
    uint64_t ready;
    send_one(0);
    uk_poll(50000000ull, &ready);
    send_one(1);
    compute(ms);
    uk_poll(300000000ull, &ready);
    send_one(2);
    compute(ms);
}

/* Ours: EtherType 0x88b5; -1 for anything else. */
static long long seq_of(const uint8_t *f, size_t len)
{
    if (len < 18 || f[12] != 0x88 || f[13] != 0xb5)
        return -1;
    uint32_t seq;
    memcpy(&seq, f + 14, 4);
    return seq;
}

static void wait_frame(void)
{
    uint64_t ready = 0;
    uk_poll(100000000ull, &ready); /* 100 ms: the next read (or this poll's) tells */
}

static void reads(uint32_t n)
{
    static uint8_t small[64];
    printf("ready\n");
    uint32_t calls = 0;
    for (uint32_t got = 0; got < n;) {
        if (got == 3) { /* frame 3 (63 bytes) into a 20-byte buffer: refused and dropped */
            size_t len = 0;
            int r = uk_netread(nic, small, 20, &len);
            if (r == UK_EAGAIN) {
                wait_frame();
                continue;
            }
            printf("read small: %s len %zu\n", r == UK_EINVAL ? "EINVAL" : r == UK_OK ? "OK" : "other", len);
            ++got;
            continue;
        }
        if (calls++ % 2 == 0) {
            size_t len = 0;
            int r = uk_netread(nic, frames[0], sizeof frames[0], &len);
            if (r == UK_EAGAIN) {
                wait_frame();
                continue;
            }
            long long s = seq_of(frames[0], len);
            if (s < 0)
                continue; /* not ours */
            printf("read: status %d seq %lld len %zu\n", r, s, len);
            ++got;
        } else {
            struct uk_net_frame v[2] = {{(uint64_t)(uintptr_t)frames[0], sizeof frames[0], 9},
                                        {(uint64_t)(uintptr_t)frames[1], sizeof frames[1], 9}};
            size_t done = 0;
            size_t count = n - got >= 2 && got + 1 != 3 ? 2 : 1;
            int r = uk_netreadv(nic, v, count, &done);
            if (done == 0) {
                if (r != UK_EAGAIN)
                    printf("readv: status %d\n", r);
                wait_frame();
                continue;
            }
            for (size_t i = 0; i < done; ++i) {
                long long s = seq_of(frames[i], v[i].done_len);
                if (s < 0)
                    continue;
                printf("readv: seq %lld len %llu\n", s, (unsigned long long)v[i].done_len);
                ++got;
            }
            if (count == 2 && done == 1 && v[1].done_len != 0)
                check(0, "an element not read has done_len 0", (long long)v[1].done_len);
        }
    }
}

static int64_t netpoll(uint64_t handle, uint64_t frames_at, uint64_t count, uint64_t *got, int64_t *read_ret)
{
    struct uk_hc_netpoll a = {0, 0, 0, handle, frames_at, count, 77, 77};
    uk_hypercall(UK_HC_NETPOLL, &a);
    *got = a.got;
    *read_ret = a.read_ret;
    return a.ret;
}

int main(int argc, char **argv);

static void netpoll_hostile(void)
{
    printf("ready\n");
    uint64_t ready = 0;
    while (!(ready >> nic & 1)) { /* a frame waits (uk_poll itself may read it ahead) */
        struct uk_hc_poll p = {0, 1000000000ull, 0};
        uk_hypercall(UK_HC_POLL, &p);
        ready = p.ready_set;
    }
    static struct uk_net_frame v[2];
    static uint8_t buf[1600];
    v[0] = (struct uk_net_frame){(uint64_t)(uintptr_t)buf, sizeof buf, 0};
    const uint64_t mem = uk_boot_info()->mem_size;
    uint64_t got;
    int64_t rr, r;
    r = netpoll(99, (uint64_t)(uintptr_t)v, 1, &got, &rr);
    check(r == UK_OK && rr == UK_EBADF && got == 0, "netpoll on handle 99: read EBADF", rr);
    r = netpoll(nic, (uint64_t)(uintptr_t)v, UK_NET_BATCH_MAX + 1, &got, &rr);
    check(r == UK_OK && rr == UK_EINVAL && got == 0, "netpoll of 257 frames: read EINVAL", rr);
    r = netpoll(nic, mem - 8, 1, &got, &rr);
    check(r == UK_OK && rr == UK_EFAULT && got == 0, "netpoll with its vector across the end of memory: EFAULT", rr);
    r = netpoll(nic, (uint64_t)(uintptr_t)&main, 1, &got, &rr);
    check(r == UK_OK && rr == UK_EFAULT && got == 0, "netpoll with its vector on the text: EFAULT", rr);
    v[0].data = mem - 100;
    r = netpoll(nic, (uint64_t)(uintptr_t)v, 1, &got, &rr);
    check(r == UK_OK && rr == UK_EFAULT && got == 0 && v[0].done_len == 0, "netpoll into a buffer past the end of memory: EFAULT", rr);
    v[0].data = (uint64_t)(uintptr_t)&main;
    r = netpoll(nic, (uint64_t)(uintptr_t)v, 1, &got, &rr);
    check(r == UK_OK && rr == UK_EFAULT && got == 0, "netpoll into the text: EFAULT", rr);
    v[0] = (struct uk_net_frame){(uint64_t)(uintptr_t)buf, 10, 0};
    r = netpoll(nic, (uint64_t)(uintptr_t)v, 1, &got, &rr);
    check(r == UK_OK && rr == UK_EINVAL && got == 0, "netpoll into a 10-byte buffer: EINVAL", rr);
    r = netpoll(nic, 0, 0, &got, &rr);
    check(r == UK_OK && rr == UK_EAGAIN && got == 0, "netpoll reading nothing: EAGAIN", rr);
    v[0] = (struct uk_net_frame){(uint64_t)(uintptr_t)buf, sizeof buf, 0};
    r = netpoll(nic, (uint64_t)(uintptr_t)v, 1, &got, &rr);
    check(r == UK_OK && got == 1 && seq_of(buf, v[0].done_len) == 0, "then the frame is read, whole", seq_of(buf, v[0].done_len));
}

int main(int argc, char **argv)
{
    nic = (uint64_t)uk_device_handle(UK_DEV_NET, "service");
    const char *mode = argc > 1 ? argv[1] : "";
    uint64_t arg = argc > 2 ? strtoull(argv[2], 0, 0) : 0;
    if (strcmp(mode, "burst") == 0)
        burst((uint32_t)arg);
    else if (strcmp(mode, "spin") == 0)
        spin(arg);
    else if (strcmp(mode, "reads") == 0)
        reads((uint32_t)arg);
    else if (strcmp(mode, "netpoll") == 0)
        netpoll_hostile();
    else if (strcmp(mode, "idle") == 0) {
        send_one(0);
        uint64_t ready, t0 = uk_monotonic_ns();
        while (uk_monotonic_ns() - t0 < arg * 1000000ull) /* frames may come: keep sleeping */
            uk_poll(arg * 1000000ull - (uk_monotonic_ns() - t0), &ready);
    }
    else
        check(0, "a mode: burst N, spin MS, reads N, netpoll or idle MS", 0);
    uk_halt((uint64_t)failures, 0, 0);
}
