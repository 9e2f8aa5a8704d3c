/* hostile_netring: a guest that drives the net ring (abi.h, struct uk_netring) itself, the way
 * a hostile guest would, on its NIC "service". Prints "ok - ..." or "not ok - ..." per check
 * and halts with the number of failures.
 *   hostile_netring -- probe     set-up: a second set-up, a misplaced ring and an unknown call
 *                                are refused; on a backend without a ring, set-up and WAIT say
 *                                EINVAL and the guest halts 0
 *   hostile_netring -- outside   descriptors and vectors pointing outside the guest, at its
 *                                text, at the ring itself; bad lengths, counts, handles, ops
 *   hostile_netring -- scribble  descriptors and a vector changing under the I/O thread
 *   hostile_netring -- overflow  sq_tail moved past what the ring holds: the ring breaks
 *   hostile_netring -- stream    never-ending frames (ends by --timeout or a signal)
 *   hostile_netring -- idle      one frame, then 1 s asleep in poll: the I/O thread must sleep */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_NET(service);

static int failures;
static uint64_t nic;
static struct uk_netring ring __attribute__((aligned(64)));
static struct uk_netring other_ring __attribute__((aligned(64)));
static uint8_t frame[1514] __attribute__((aligned(64)));
static uint8_t rxbuf[2048] __attribute__((aligned(64)));
static struct uk_net_frame vec[4];
static uint16_t doorbell;

static void check(int ok, const char *what, long long got)
{
    printf("%s - %s (got %lld)\n", ok ? "ok" : "not ok", what, got);
    failures += !ok;
}

static int64_t ring_call(uint64_t op, uint64_t addr, uint64_t until, uint64_t *port)
{
    struct uk_hc_netring a = {0, op, addr, until, 0};
    uk_hypercall(UK_HC_NETRING, &a);
    if (port)
        *port = a.doorbell;
    return a.ret;
}

static void publish(uint32_t op, uint64_t handle, uint64_t data, uint64_t len)
{
    uint64_t idx = ring.sq_tail;
    struct uk_netring_desc d = {op, (uint32_t)handle, data, len};
    ring.desc[idx % UK_NETRING_SLOTS] = d;
    __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
        __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
}

/* Publishes one descriptor and waits for it; returns its status (or minus the ring's error). */
static int64_t submit(uint32_t op, uint64_t handle, uint64_t data, uint64_t len, uint64_t *done)
{
    uint64_t idx = ring.sq_tail;
    publish(op, handle, data, len);
    while (__atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) <= idx && !ring.error) {
        int64_t r = ring_call(UK_NETRING_WAIT, 0, idx + 1, 0);
        if (r != UK_OK && r != UK_EAGAIN)
            return -r;
    }
    if (ring.error)
        return -(int64_t)ring.error;
    if (done)
        *done = ring.comp[idx % UK_NETRING_SLOTS].done;
    return ring.comp[idx % UK_NETRING_SLOTS].status;
}

static void make_frame(uint64_t len)
{
    static const uint8_t dst[6] = {0x02, 0x00, 0x00, 0xbe, 0x4c, 0x01}; /* nobody's */
    struct uk_hc_netinfo info;
    uk_netinfo(nic, &info);
    memcpy(frame, dst, 6);
    memcpy(frame + 6, info.mac, 6);
    frame[12] = 0x88, frame[13] = 0xb5; /* local experimental: the host stack drops it */
    for (uint64_t i = 14; i < len; ++i)
        frame[i] = (uint8_t)i;
}

static void outside(void)
{
    const struct uk_boot_info *bi = uk_boot_info();
    uint64_t mem = bi->mem_size, f = (uint64_t)(uintptr_t)frame, rx = (uint64_t)(uintptr_t)rxbuf;
    uint64_t r = (uint64_t)(uintptr_t)&ring, v = (uint64_t)(uintptr_t)vec;
    make_frame(64);
    struct { const char *what; uint32_t op; uint64_t handle, data, len; int64_t want; } cases[] = {
        {"write from the null page is EFAULT", UK_NETRING_WRITE, nic, 0, 64, UK_EFAULT},
        {"write from the monitor's private pages is EFAULT", UK_NETRING_WRITE, nic, 0x80000, 64, UK_EFAULT},
        {"write from past the end of memory is EFAULT", UK_NETRING_WRITE, nic, mem, 64, UK_EFAULT},
        {"write straddling the end of memory is EFAULT", UK_NETRING_WRITE, nic, mem - 32, 64, UK_EFAULT},
        {"write from a wrapping address is EFAULT", UK_NETRING_WRITE, nic, UINT64_MAX - 31, 64, UK_EFAULT},
        {"write from above 4 GiB is EFAULT", UK_NETRING_WRITE, nic, 0x100000000ull, 64, UK_EFAULT},
        {"read into the guest's own text is EFAULT", UK_NETRING_READ, nic, (uint64_t)(uintptr_t)&outside, 1514, UK_EFAULT},
        {"read into the null page is EFAULT", UK_NETRING_READ, nic, 0, 1514, UK_EFAULT},
        {"read onto the ring itself is EFAULT", UK_NETRING_READ, nic, r + 128, 1514, UK_EFAULT},
        {"write from the ring itself is EFAULT", UK_NETRING_WRITE, nic, r + 8, 64, UK_EFAULT},
        {"a vector on the ring itself is EFAULT", UK_NETRING_WRITEV, nic, r + 64, 2, UK_EFAULT},
        {"a vector outside memory is EFAULT", UK_NETRING_READV, nic, mem - 24, 2, UK_EFAULT},
        {"a vector in the guest's text is EFAULT (done_len is written back)", UK_NETRING_READV, nic, (uint64_t)(uintptr_t)&outside, 1, UK_EFAULT},
        {"a vector of 0 frames is EINVAL", UK_NETRING_WRITEV, nic, v, 0, UK_EINVAL},
        {"a vector of 257 frames is EINVAL", UK_NETRING_WRITEV, nic, v, UK_NET_BATCH_MAX + 1, UK_EINVAL},
        {"a vector of 2^64-1 frames is EINVAL", UK_NETRING_WRITEV, nic, v, UINT64_MAX, UK_EINVAL},
        {"a frame shorter than a header is EINVAL", UK_NETRING_WRITE, nic, f, 13, UK_EINVAL},
        {"a frame longer than the MTU is EINVAL", UK_NETRING_WRITE, nic, f, 1515, UK_EINVAL},
        {"a frame of 2^64-1 bytes is EINVAL", UK_NETRING_WRITE, nic, f, UINT64_MAX, UK_EINVAL},
        {"a receive buffer shorter than a header is EINVAL", UK_NETRING_READ, nic, rx, 13, UK_EINVAL},
        {"an unknown handle is EBADF", UK_NETRING_WRITE, 9, f, 64, UK_EBADF},
        {"handle 2^32-1 is EBADF", UK_NETRING_WRITE, UINT32_MAX, f, 64, UK_EBADF},
        {"an unknown op is EINVAL", 77, nic, f, 64, UK_EINVAL},
        {"op 0 is EINVAL", 0, nic, f, 64, UK_EINVAL},
        {"a good write still works", UK_NETRING_WRITE, nic, f, 64, UK_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        uint64_t done = 99;
        int64_t got = submit(cases[i].op, cases[i].handle, cases[i].data, cases[i].len, &done);
        check(got == cases[i].want, cases[i].what, got);
        if (got != UK_OK && got > 0)
            check(done == 0, "  ... and nothing is done", (long long)done);
    }
    uint64_t done = 0;
    check(submit(UK_NETRING_WRITE, nic, f, 64, &done) == UK_OK && done == 64, "a good write reports its length", (long long)done);
    /* A vector whose second frame lies on the ring: the first is sent, the second is EFAULT. */
    vec[0] = (struct uk_net_frame){f, 64, 7};
    vec[1] = (struct uk_net_frame){r + 256, 64, 7};
    vec[2] = (struct uk_net_frame){f, 64, 7};
    int64_t s = submit(UK_NETRING_WRITEV, nic, v, 3, &done);
    check(s == UK_EFAULT && done == 1, "a vector's frame on the ring is EFAULT after 1 frame done", s);
    check(vec[0].done_len == 64 && vec[1].done_len == 0 && vec[2].done_len == 0, "  ... and each done_len says so",
          (long long)vec[1].done_len);
    /* Reading: a frame may wait (the host's own IPv6 chatter) or not: OK or EAGAIN only. */
    s = submit(UK_NETRING_READ, nic, rx, sizeof rxbuf, &done);
    check(s == UK_OK || s == UK_EAGAIN, "a read gets a frame or EAGAIN", s);
    vec[0] = (struct uk_net_frame){rx, sizeof rxbuf, 7};
    vec[1] = (struct uk_net_frame){r, 1514, 7};
    s = submit(UK_NETRING_READV, nic, v, 2, &done);
    check(s == UK_EAGAIN || s == UK_EFAULT, "a read vector whose second buffer is the ring: EAGAIN or EFAULT", s);
    check(vec[1].done_len == 0, "  ... and the ring's buffer got nothing", (long long)vec[1].done_len);
}

/* While the thread may be copying it, a descriptor flips between a good frame and one outside
 * the guest or on the ring, and a vector's element the same: every status is OK, EFAULT or
 * EINVAL, never anything the host did elsewhere. */
static void scribble(void)
{
    uint64_t good = (uint64_t)(uintptr_t)frame;
    uint64_t bad[] = {0, 0x80000, uk_boot_info()->mem_size, (uint64_t)(uintptr_t)&ring};
    int odd = 0;
    make_frame(64);
    for (unsigned n = 0; n < 2000; ++n) {
        uint64_t idx = ring.sq_tail;
        volatile struct uk_netring_desc *d = &ring.desc[idx % UK_NETRING_SLOTS];
        int as_vector = n & 1;
        volatile struct uk_net_frame *e = &vec[0];
        e->data = good;
        e->len = 64;
        d->op = as_vector ? UK_NETRING_WRITEV : UK_NETRING_WRITE;
        d->handle = (uint32_t)nic;
        d->data = as_vector ? (uint64_t)(uintptr_t)vec : good;
        d->len = as_vector ? 1 : 64;
        __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
            __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
        for (unsigned k = 0; __atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) <= idx && !ring.error; ++k) {
            uint64_t where = (k & 1) ? bad[k % 4] : good; /* under the thread's feet */
            uint64_t len = (k & 2) ? 64 : (k & 4) ? 1ull << 62 : 13;
            if (as_vector) {
                e->data = where;
                e->len = len;
                d->len = (k & 8) ? 1 : UINT64_MAX;
            } else {
                d->data = where;
                d->len = len;
            }
            d->op = (k & 16) ? 99 : d->op;
            if (k > 100000)
                ring_call(UK_NETRING_WAIT, 0, idx + 1, 0);
        }
        int64_t st = ring.comp[idx % UK_NETRING_SLOTS].status;
        odd += st != UK_OK && st != UK_EFAULT && st != UK_EINVAL && st != UK_EAGAIN; /* EAGAIN: TAP full */
    }
    check(odd == 0 && !ring.error, "2000 descriptors changed under the thread: each OK, EFAULT, EINVAL or EAGAIN", odd);
}

static void overflow(void)
{
    make_frame(64);
    check(submit(UK_NETRING_WRITE, nic, (uint64_t)(uintptr_t)frame, 64, 0) == UK_OK, "a good write before", 0);
    __atomic_store_n(&ring.sq_tail, ring.sq_tail + UK_NETRING_SLOTS + 1, __ATOMIC_SEQ_CST);
    __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
    int64_t r = UK_EAGAIN;
    for (int i = 0; i < 100 && r == UK_EAGAIN; ++i)
        r = ring_call(UK_NETRING_WAIT, 0, ring.sq_tail, 0);
    check(r == UK_EINVAL && ring.error == UK_EINVAL, "sq_tail moved past the ring: WAIT and ring.error say EINVAL", r);
    __atomic_store_n(&ring.sq_tail, UINT64_MAX, __ATOMIC_SEQ_CST); /* and at the wrap */
    check(ring_call(UK_NETRING_WAIT, 0, UINT64_MAX, 0) == UK_EINVAL, "a broken ring stays broken", 0);
    check(uk_netwrite(nic, frame, 64) == UK_OK, "the direct calls still work", 0);
}

static void stream(void)
{
    make_frame(64);
    for (;;) { /* keeps the ring full, never waits */
        while (ring.sq_tail - __atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) >= UK_NETRING_SLOTS)
            __builtin_ia32_pause();
        publish(UK_NETRING_WRITE, nic, (uint64_t)(uintptr_t)frame, 64);
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "probe";
    nic = (uint64_t)uk_device_handle(UK_DEV_NET, "service");
    uint64_t port = 0;
    if (strcmp(mode, "probe") == 0 && uk_boot_info()->backend == UK_BACKEND_KVM) {
        uint64_t r = (uint64_t)(uintptr_t)&ring, mem = uk_boot_info()->mem_size;
        check(ring_call(UK_NETRING_SETUP, r + 8, 0, 0) == UK_EINVAL, "a misaligned ring is EINVAL", 0);
        check(ring_call(UK_NETRING_SETUP, mem - 64, 0, 0) == UK_EFAULT, "a ring past the end of memory is EFAULT", 0);
        check(ring_call(UK_NETRING_SETUP, 0x80000, 0, 0) == UK_EFAULT, "a ring in the monitor's pages is EFAULT", 0);
        check(ring_call(UK_NETRING_SETUP, (uint64_t)(uintptr_t)&main & ~63ull, 0, 0) == UK_EFAULT,
              "a ring on the guest's text is EFAULT", 0);
        check(ring_call(UK_NETRING_WAIT, 0, 1, 0) == UK_EINVAL, "WAIT before set-up is EINVAL", 0);
    }
    int st = (int)ring_call(UK_NETRING_SETUP, (uint64_t)(uintptr_t)&ring, 0, &port);
    doorbell = (uint16_t)port;
    if (st == UK_EINVAL && uk_boot_info()->backend != UK_BACKEND_KVM) {
        printf("no ring on this backend\n");
        check(ring_call(UK_NETRING_WAIT, 0, 1, 0) == UK_EINVAL, "WAIT without a ring is EINVAL", 0);
        uk_halt(failures, 0, 0);
    }
    check(st == UK_OK, "set-up", st);
    if (strcmp(mode, "probe") == 0) {
        check(ring_call(UK_NETRING_SETUP, (uint64_t)(uintptr_t)&other_ring, 0, 0) == UK_EINVAL, "a second set-up is EINVAL", 0);
        check(ring_call(77, 0, 0, 0) == UK_EINVAL, "an unknown ring call is EINVAL", 0);
        make_frame(60);
        uint64_t done = 0;
        check(submit(UK_NETRING_WRITE, nic, (uint64_t)(uintptr_t)frame, 60, &done) == UK_OK && done == 60, "a write", 0);
    } else if (strcmp(mode, "outside") == 0) {
        outside();
    } else if (strcmp(mode, "scribble") == 0) {
        scribble();
    } else if (strcmp(mode, "overflow") == 0) {
        overflow();
    } else if (strcmp(mode, "idle") == 0) {
        make_frame(64);
        check(uk_netwrite(nic, frame, 64) == UK_OK, "a write through the library", 0);
        uint64_t ready, t0 = uk_monotonic_ns();
        while (uk_monotonic_ns() - t0 < 1000000000ull) /* frames may come: keep sleeping */
            uk_poll(1000000000ull - (uk_monotonic_ns() - t0), &ready);
    } else if (strcmp(mode, "stream") == 0) {
        stream();
    }
    uk_halt(failures, 0, 0);
}
