/* The guest side of the blk ring (abi.h, struct uk_blkring): uk_blkread, uk_blkwrite and
 * uk_blkflush go through it when the monitor offers one (kvm), so existing guests gain
 * without a change. One request in flight: the calls are synchronous. */
#include <stdint.h>
#include <ukmon/guest.h>
#include <uk_cpu.h>

#include "ring.h"

static struct uk_blkring ring __attribute__((aligned(64)));
static enum { RING_UNKNOWN, RING_ON, RING_OFF } state;
static uint64_t doorbell; /* a port (x86_64) or an address (aarch64): uk_cpu_doorbell */

static int wait_call(uint64_t until)
{
    struct uk_hc_blkring a = {0, UK_BLKRING_WAIT, 0, until, 0};
    uk_hypercall(UK_HC_BLKRING, &a);
    return (int)a.ret;
}

/* Spin 25..200 µs: the low end is about one exit on PVM (ring_wait.c). The blk ring's poll
 * as measured: `done` only (watch_taken 0). */
static struct uk_ring_waiter waiter = {200000, 25000, 200000, 0, wait_call};

static void set_up(void)
{
    struct uk_hc_blkring a = {0, UK_BLKRING_SETUP, (uint64_t)(uintptr_t)&ring, 0, 0};
    uk_hypercall(UK_HC_BLKRING, &a);
    state = a.ret == UK_OK ? RING_ON : RING_OFF; /* seccomp: no ring, direct calls are cheap */
    doorbell = a.doorbell;
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
    const struct uk_ring_words words = {&ring.done, &ring.taken, &ring.error};
    (void)uk_ring_wait(&waiter, &words, idx);
    if (__atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) > idx) {
        *status = (int)ring.status[idx % UK_BLKRING_SLOTS];
        return 1;
    }
    *status = (int)ring.error; /* the ring broke (only a guest's own bug can do that) */
    state = RING_OFF;
    return 1;
}
