/* hostile_ring: a guest that drives the blk ring (abi.h, struct uk_blkring) itself, the way a
 * hostile guest would, on its blk device "disk" (>= 64 KiB). Prints "ok - ..." or
 * "not ok - ..." per check and halts with the number of failures.
 *   hostile_ring -- probe      set-up: a second set-up and a misplaced ring are refused; on a
 *                              backend without a ring, set-up says EINVAL and the guest halts 0
 *   hostile_ring -- outside    descriptors pointing outside the guest, at its text, at the
 *                              ring itself, misaligned, past the disk, bad handle and op
 *   hostile_ring -- scribble   descriptors changing under the I/O thread while it works
 *   hostile_ring -- overflow   sq_tail moved past what the ring holds: the ring breaks (error)
 *   hostile_ring -- stream     never-ending writes of block 0 (ends by --timeout)
 *   hostile_ring -- idle       one read, then 1 s asleep in poll: the I/O thread must not spin
 *   hostile_ring -- persist    writes blocks 0..7 through the library (the ring), halts 0
 *                              without a flush: the exit path must still get them on disk */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_BLK(disk);

static int failures;
static uint64_t blk;
static struct uk_blkring ring __attribute__((aligned(64)));
static struct uk_blkring other_ring __attribute__((aligned(64)));
static uint8_t buf[4096] __attribute__((aligned(512)));
static uint16_t doorbell;

static void check(int ok, const char *what, long long got)
{
    printf("%s - %s (got %lld)\n", ok ? "ok" : "not ok", what, got);
    failures += !ok;
}

static int64_t ring_call(uint64_t op, uint64_t addr, uint64_t until, uint64_t *port)
{
    struct uk_hc_blkring a = {0, op, addr, until, 0};
    uk_hypercall(UK_HC_BLKRING, &a);
    if (port)
        *port = a.doorbell;
    return a.ret;
}

static int setup(void)
{
    uint64_t port = 0;
    int64_t r = ring_call(UK_BLKRING_SETUP, (uint64_t)(uintptr_t)&ring, 0, &port);
    doorbell = (uint16_t)port;
    return (int)r;
}

/* Publishes one descriptor and waits for it; returns its status. */
static int64_t submit(uint32_t op, uint64_t handle, uint64_t offset, uint64_t data, uint64_t len)
{
    uint64_t idx = ring.sq_tail;
    struct uk_blkring_desc d = {op, (uint32_t)handle, offset, data, len};
    ring.desc[idx % UK_BLKRING_SLOTS] = d;
    __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
        __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
    while (__atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) <= idx && !ring.error) {
        int64_t r = ring_call(UK_BLKRING_WAIT, 0, idx + 1, 0);
        if (r != UK_OK && r != UK_EAGAIN)
            return -r;
    }
    return ring.error ? -(int64_t)ring.error : ring.status[idx % UK_BLKRING_SLOTS];
}

static void outside(void)
{
    const struct uk_boot_info *bi = uk_boot_info();
    uint64_t mem = bi->mem_size, b = (uint64_t)(uintptr_t)buf;
    struct { const char *what; uint32_t op; uint64_t handle, offset, data, len; int64_t want; } cases[] = {
        {"read into the null page is EFAULT", UK_BLKRING_READ, blk, 0, 0, 512, UK_EFAULT},
        {"read into the monitor's private pages is EFAULT", UK_BLKRING_READ, blk, 0, 0x80000, 512, UK_EFAULT},
        {"write from past the end of memory is EFAULT", UK_BLKRING_WRITE, blk, 0, mem, 512, UK_EFAULT},
        {"read straddling the end of memory is EFAULT", UK_BLKRING_READ, blk, 0, mem - 256, 512, UK_EFAULT},
        {"read into a wrapping address is EFAULT", UK_BLKRING_READ, blk, 0, UINT64_MAX - 255, 512, UK_EFAULT},
        {"read above 4 GiB is EFAULT", UK_BLKRING_READ, blk, 0, 0x100000000ull, 512, UK_EFAULT},
        {"read into the guest's own text is EFAULT", UK_BLKRING_READ, blk, 0, (uint64_t)(uintptr_t)&outside, 512, UK_EFAULT},
        {"read onto the ring itself is EFAULT", UK_BLKRING_READ, blk, 0, (uint64_t)(uintptr_t)&ring, 512, UK_EFAULT},
        {"write from the ring itself is EFAULT", UK_BLKRING_WRITE, blk, 0, (uint64_t)(uintptr_t)&ring.desc[3], 512, UK_EFAULT},
        {"misaligned offset is EINVAL", UK_BLKRING_READ, blk, 1, b, 512, UK_EINVAL},
        {"length not a sector multiple is EINVAL", UK_BLKRING_READ, blk, 0, b, 100, UK_EINVAL},
        {"zero length is EINVAL", UK_BLKRING_WRITE, blk, 0, b, 0, UK_EINVAL},
        {"offset past the disk is EINVAL", UK_BLKRING_READ, blk, 1ull << 40, b, 512, UK_EINVAL},
        {"offset+length wrapping is EINVAL", UK_BLKRING_READ, blk, UINT64_MAX - 511, b, 512, UK_EINVAL},
        {"unknown handle is EBADF", UK_BLKRING_READ, 9, 0, b, 512, UK_EBADF},
        {"unknown op is EINVAL", 77, blk, 0, b, 512, UK_EINVAL},
        {"a good read still works", UK_BLKRING_READ, blk, 0, b, 512, UK_OK},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        int64_t got = submit(cases[i].op, cases[i].handle, cases[i].offset, cases[i].data, cases[i].len);
        check(got == cases[i].want, cases[i].what, got);
    }
}

/* While the thread may be copying it, the descriptor flips between a good buffer and one
 * outside the guest: every status is OK or EFAULT, never anything the host did elsewhere. */
static void scribble(void)
{
    uint64_t good = (uint64_t)(uintptr_t)buf, bad[] = {0, 0x80000, uk_boot_info()->mem_size, (uint64_t)(uintptr_t)&ring};
    int odd = 0;
    memset(buf, 0x5A, sizeof buf);
    for (unsigned n = 0; n < 2000; ++n) {
        uint64_t idx = ring.sq_tail;
        volatile struct uk_blkring_desc *d = &ring.desc[idx % UK_BLKRING_SLOTS];
        d->op = UK_BLKRING_WRITE;
        d->handle = (uint32_t)blk;
        d->offset = 4096;
        d->len = 4096;
        d->data = good;
        __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
            __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
        for (unsigned k = 0; __atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) <= idx; ++k) {
            d->data = (k & 1) ? bad[k % 4] : good; /* under the thread's feet */
            d->len = (k & 2) ? 4096 : 1ull << 62;
            if (k > 100000)
                ring_call(UK_BLKRING_WAIT, 0, idx + 1, 0);
        }
        int64_t st = ring.status[idx % UK_BLKRING_SLOTS];
        odd += st != UK_OK && st != UK_EFAULT && st != UK_EINVAL;
    }
    check(odd == 0 && !ring.error, "2000 descriptors changed under the thread: each OK, EFAULT or EINVAL", odd);
}

static void overflow(void)
{
    check(submit(UK_BLKRING_READ, blk, 0, (uint64_t)(uintptr_t)buf, 512) == UK_OK, "a good read before", 0);
    __atomic_store_n(&ring.sq_tail, ring.sq_tail + UK_BLKRING_SLOTS + 1, __ATOMIC_SEQ_CST);
    __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
    int64_t r = UK_EAGAIN;
    for (int i = 0; i < 100 && r == UK_EAGAIN; ++i)
        r = ring_call(UK_BLKRING_WAIT, 0, ring.sq_tail, 0);
    check(r == UK_EINVAL && ring.error == UK_EINVAL, "sq_tail moved past the ring: WAIT and ring.error say EINVAL", r);
    __atomic_store_n(&ring.sq_tail, UINT64_MAX, __ATOMIC_SEQ_CST); /* and at the wrap */
    check(ring_call(UK_BLKRING_WAIT, 0, UINT64_MAX, 0) == UK_EINVAL, "a broken ring stays broken", 0);
    check(uk_blkread(blk, 0, buf, 512) == UK_OK, "the direct calls still work", 0);
}

static void stream(void)
{
    memset(buf, 0x77, sizeof buf);
    for (uint64_t n = 0;; ++n) { /* keeps the ring full, never waits */
        while (ring.sq_tail - __atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) >= UK_BLKRING_SLOTS)
            __builtin_ia32_pause();
        uint64_t idx = ring.sq_tail;
        struct uk_blkring_desc d = {UK_BLKRING_WRITE, (uint32_t)blk, (n % 8) * 4096, (uint64_t)(uintptr_t)buf, 4096};
        ring.desc[idx % UK_BLKRING_SLOTS] = d;
        __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST);
        if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
            __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"(doorbell));
    }
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "probe";
    int64_t h = uk_device_handle(UK_DEV_BLK, "disk");
    blk = (uint64_t)h;
    if (strcmp(mode, "persist") == 0) {
        for (int i = 0; i < 8; ++i) {
            memset(buf, 'A' + i, sizeof buf);
            check(uk_blkwrite(blk, (uint64_t)i * 4096, buf, 4096) == UK_OK, "write through the library", i);
        }
        uk_halt(failures, 0, 0); /* no flush: the exit path's */
    }
    int st = setup();
    if (st == UK_EINVAL && uk_boot_info()->backend != UK_BACKEND_KVM) {
        printf("no ring on this backend\n");
        check(ring_call(UK_BLKRING_WAIT, 0, 1, 0) == UK_EINVAL, "WAIT without a ring is EINVAL", 0);
        uk_halt(failures, 0, 0);
    }
    check(st == UK_OK, "set-up", st);
    if (strcmp(mode, "probe") == 0) {
        check(ring_call(UK_BLKRING_SETUP, (uint64_t)(uintptr_t)&other_ring, 0, 0) == UK_EINVAL, "a second set-up is EINVAL", 0);
        check(ring_call(77, 0, 0, 0) == UK_EINVAL, "an unknown ring call is EINVAL", 0);
        check(submit(UK_BLKRING_FLUSH, blk, 0, 0, 0) == UK_OK, "a flush", 0);
    } else if (strcmp(mode, "outside") == 0) {
        outside();
    } else if (strcmp(mode, "scribble") == 0) {
        scribble();
    } else if (strcmp(mode, "overflow") == 0) {
        overflow();
    } else if (strcmp(mode, "idle") == 0) {
        check(submit(UK_BLKRING_READ, blk, 0, (uint64_t)(uintptr_t)buf, 512) == UK_OK, "a read", 0);
        uint64_t ready;
        uk_poll(1000000000ull, &ready);
    } else if (strcmp(mode, "stream") == 0) {
        stream();
    }
    uk_halt(failures, 0, 0);
}
