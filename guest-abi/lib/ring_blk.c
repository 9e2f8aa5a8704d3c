/* The guest side of the blk ring (abi.h, struct uk_blkring): uk_blkread, uk_blkwrite and
 * uk_blkflush go through it when the monitor offers one (kvm), so existing guests gain
 * without a change. One request in flight: the calls are synchronous. */
#include <stdint.h>
#include <ukmon/guest.h>
#include <uk_cpu.h>

#include "ring.h"

/* Polling for a completion is cheaper than an exit (tens of µs on PVM) as long as the I/O
 * thread runs on another CPU. When it does not (a busy host, or one CPU for both), polling
 * only delays it: then the guest exits (UK_BLKRING_WAIT, where the monitor serves the ring
 * itself). So the poll adapts: doubled (up to SPIN_MAX_NS) while requests complete within
 * it, halved (down to SPIN_MIN_NS, about what an exit costs, so never worse than exiting at
 * once by more than that) when one does not. */
#define SPIN_MIN_NS 25000ull
#define SPIN_MAX_NS 200000ull
#define LOOPS_PER_US_WITHOUT_TSC 20u

static struct uk_blkring ring __attribute__((aligned(64)));
static enum { RING_UNKNOWN, RING_ON, RING_OFF } state;
static uint64_t doorbell;
static uint64_t spin_ns = SPIN_MAX_NS;

static void set_up(void)
{
    struct uk_hc_blkring a = {0, UK_BLKRING_SETUP, (uint64_t)(uintptr_t)&ring, 0, 0};
    uk_hypercall(UK_HC_BLKRING, &a);
    state = a.ret == UK_OK ? RING_ON : RING_OFF; /* seccomp: no ring, direct calls are cheap */
    doorbell = a.doorbell;
}

static int completed(uint64_t idx)
{
    return __atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) > idx || __atomic_load_n(&ring.error, __ATOMIC_RELAXED);
}

static void wait_for(uint64_t idx)
{
    uint64_t hz = uk_boot_info()->tsc_hz;
    uint64_t start = uk_cpu_counter(), limit = hz ? hz / 1000000 * (spin_ns / 1000) : 0;
    for (uint64_t n = 0; !completed(idx); ++n) {
        if (hz ? uk_cpu_counter() - start > limit : n > spin_ns / 1000 * LOOPS_PER_US_WITHOUT_TSC)
            break;
        uk_cpu_relax();
    }
    if (completed(idx)) {
        spin_ns = spin_ns * 2 > SPIN_MAX_NS ? SPIN_MAX_NS : spin_ns * 2;
        return;
    }
    spin_ns = spin_ns / 2 < SPIN_MIN_NS ? SPIN_MIN_NS : spin_ns / 2;
    while (!completed(idx)) {
        struct uk_hc_blkring a = {0, UK_BLKRING_WAIT, 0, idx + 1, 0};
        uk_hypercall(UK_HC_BLKRING, &a);
        if (a.ret != UK_OK && a.ret != UK_EAGAIN)
            break;
    }
}

int uk_ring_blkio(uint32_t op, uint64_t handle, uint64_t offset, uint64_t data, uint64_t len, int *status)
{
    if (state == RING_UNKNOWN)
        set_up();
    if (state != RING_ON || handle > UINT32_MAX)
        return 0;
    uint64_t idx = ring.sq_tail;
    struct uk_blkring_desc *d = &ring.desc[idx % UK_BLKRING_SLOTS];
    d->op = op;
    d->handle = (uint32_t)handle;
    d->offset = offset;
    d->data = data;
    d->len = len;
    __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST); /* publish, then look */
    if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
        uk_cpu_doorbell(doorbell);
    wait_for(idx);
    if (__atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) > idx) {
        *status = (int)ring.status[idx % UK_BLKRING_SLOTS];
        return 1;
    }
    *status = (int)ring.error; /* the ring broke (only a guest's own bug can do that) */
    state = RING_OFF;
    return 1;
}
