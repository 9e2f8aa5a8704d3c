/* The guest side of the net ring (abi.h, struct uk_netring): once a guest asks for it
 * (uk_net_ring_enable), uk_netwrite, uk_netread, uk_netwritev and uk_netreadv go through it
 * when the monitor offers one (kvm). Not by default: a request/response server (lwIP's kv
 * example) measured 36 % fewer operations through the ring on a 2-core host, where the I/O
 * thread competes with the vCPU and the network stack for the CPUs; bulk senders and
 * one-frame-per-call guests gain (docs/performance.md, "The net ring"). Each call is one descriptor whose completion is exactly the
 * hypercall's answer; one in flight, as the calls are synchronous. uk_poll stays the one
 * exit: the guest exits only to wait for a frame or its deadline. */
#include <stdint.h>
#include <ukmon/guest.h>

#include <uk_cpu.h>

#include "ring.h"

static struct uk_netring ring __attribute__((aligned(64)));
static enum { RING_UNKNOWN, RING_ON, RING_OFF } state;
static int wanted;

void uk_net_ring_enable(void) { wanted = 1; }
static uint64_t doorbell; /* a port (x86_64) or an address (aarch64): uk_cpu_doorbell */

static int wait_call(uint64_t until)
{
    struct uk_hc_netring a = {0, UK_NETRING_WAIT, 0, until, 0};
    uk_hypercall(UK_HC_NETRING, &a);
    return (int)a.ret;
}

/* Spin 25 µs..2 ms: a batch of 256 full-size frames takes the host several hundred µs, and
 * the guest should not exit in the middle of one (ring_wait.c halves the spin when it is
 * wasted). */
static struct uk_ring_waiter waiter = {2000000, 25000, 2000000, 1, wait_call};

/* When the I/O thread was not running to take a call (a busy host: it waits for a CPU, or
 * shares this one), the next calls go direct: an exit each, as without a ring, and the thread
 * falls asleep instead of competing for the CPU. DIRECT_MIN calls after one miss, doubling
 * up to DIRECT_MAX while misses follow each other; one call through the ring in between
 * probes whether the thread runs again. */
#define DIRECT_MIN 4u
#define DIRECT_MAX 256u
static uint32_t direct_left, direct_run;

static void set_up(void)
{
    struct uk_hc_netring a = {0, UK_NETRING_SETUP, (uint64_t)(uintptr_t)&ring, 0, 0};
    uk_hypercall(UK_HC_NETRING, &a);
    state = a.ret == UK_OK ? RING_ON : RING_OFF; /* seccomp: no ring, direct calls are cheap */
    doorbell = a.doorbell;
}

int uk_ring_netio(uint32_t op, uint64_t handle, uint64_t data, uint64_t len, int *status, uint64_t *done)
{
    if (!wanted)
        return 0;
    if (state == RING_UNKNOWN)
        set_up();
    if (state != RING_ON || handle > UINT32_MAX)
        return 0;
    if (direct_left) {
        --direct_left;
        return 0;
    }
    uint64_t idx = ring.sq_tail;
    struct uk_netring_desc *d = &ring.desc[idx % UK_NETRING_SLOTS];
    d->op = op;
    d->handle = (uint32_t)handle;
    d->data = data;
    d->len = len;
    __atomic_store_n(&ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST); /* publish, then look */
    if (__atomic_load_n(&ring.need_kick, __ATOMIC_SEQ_CST))
        uk_cpu_doorbell(doorbell);
    const struct uk_ring_words words = {&ring.done, &ring.taken, &ring.error};
    if (uk_ring_wait(&waiter, &words, idx)) {
        direct_run = 0;
    } else {
        direct_run = direct_run ? (direct_run * 2 > DIRECT_MAX ? DIRECT_MAX : direct_run * 2) : DIRECT_MIN;
        direct_left = direct_run;
    }
    if (__atomic_load_n(&ring.done, __ATOMIC_ACQUIRE) > idx) {
        const struct uk_netring_completion *c = &ring.comp[idx % UK_NETRING_SLOTS];
        *status = (int)c->status;
        *done = c->done;
        return 1;
    }
    *status = (int)ring.error; /* the ring broke (only a guest's own bug can do that) */
    *done = 0;
    state = RING_OFF;
    return 1;
}
