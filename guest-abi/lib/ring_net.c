/* The guest side of the net ring (abi.h, struct uk_netring): under kvm the net calls go
 * through it, set up at the first net call (seccomp has none: direct calls are cheap there).
 *  - A frame to send is copied into the library's own buffers and queued: the call returns at
 *    once, as a NIC's send does. The monitor sends it before any later net call of this guest,
 *    before a poll waits, at exit however the run ends, and meanwhile its I/O thread takes it
 *    within UK_NETRING_DOZE_MS. So a request/response server pays no exit per reply and does
 *    not keep the I/O thread polling for it (on a 2-CPU host that thread would compete with
 *    the guest and the host's network stack: docs/performance.md, "The net ring").
 *  - uk_poll becomes the round's one exit and reads ahead (ring_net_rx.c).
 *  - Everything else (a frame longer than the buffers, a large batch, a read when nothing was
 *    read ahead) is one descriptor the guest waits on, whose completion is exactly the
 *    hypercall's answer. */
#include <stdint.h>
#include <string.h>
#include <ukmon/guest.h>

#include <uk_cpu.h>

#include "ring.h"

struct uk_netring uk_net_ring __attribute__((aligned(64)));
int uk_net_ring_state; /* enum uk_net_ring_state */
struct uk_net_nic uk_net_nics[UK_NET_NICS];
static uint64_t doorbell; /* a port (x86_64) or an address (aarch64): uk_cpu_doorbell */

void uk_net_ring_enable(void) {} /* on by default since the frames are queued (abi.h) */

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
static const struct uk_ring_words words = {&uk_net_ring.done, &uk_net_ring.taken, &uk_net_ring.error};

/* When the I/O thread was not running to take a waited-on call (a busy host: it waits for a
 * CPU, or shares this one), the next such calls go direct: an exit each, as without a ring.
 * DIRECT_MIN calls after one miss, doubling up to DIRECT_MAX while misses follow each other;
 * one call through the ring in between probes whether the thread runs again. */
#define DIRECT_MIN 4u
#define DIRECT_MAX 256u
static uint32_t direct_left, direct_run;

/* ---- frames queued without waiting ---------------------------------------------------- */
#define TX_FRAMES 128u
static uint8_t tx_buf[TX_FRAMES][UK_NET_FRAME_BYTES];
static struct uk_net_frame tx_vec[TX_FRAMES];
static uint64_t tx_head, tx_tail;                /* entries handed out / given back */
static uint64_t slot_tx_end[UK_NETRING_SLOTS];   /* tx_head after a queued descriptor */
static uint8_t slot_queued[UK_NETRING_SLOTS];
static uint64_t reclaimed;                       /* descriptors looked at once completed */
static int tx_error[UK_NET_NICS];                /* UK_EIO a queued frame met: that NIC's next send says it */

static void set_up(void)
{
    struct uk_hc_netring a = {0, UK_NETRING_SETUP, (uint64_t)(uintptr_t)&uk_net_ring, 0, 0};
    uk_hypercall(UK_HC_NETRING, &a);
    uk_net_ring_state = a.ret == UK_OK ? UK_NET_RING_ON : UK_NET_RING_OFF;
    doorbell = a.doorbell;
}

int uk_net_ring_on(void)
{
    if (uk_net_ring_state == UK_NET_RING_UNKNOWN)
        set_up();
    return uk_net_ring_state == UK_NET_RING_ON;
}

const struct uk_net_nic *uk_net_nic(uint64_t handle)
{
    if (handle >= UK_NET_NICS)
        return 0;
    struct uk_net_nic *n = &uk_net_nics[handle];
    if (!n->known) {
        struct uk_hc_netinfo info;
        n->known = 1;
        n->ok = uk_netinfo(handle, &info) == UK_OK;
        n->mtu = n->ok ? info.mtu : 0;
    }
    return n->ok ? n : 0;
}

/* Gives back the buffers of queued descriptors the monitor completed. */
void uk_net_ring_reclaim(void)
{
    uint64_t done = __atomic_load_n(&uk_net_ring.done, __ATOMIC_ACQUIRE);
    for (; reclaimed < done; ++reclaimed) {
        uint32_t s = (uint32_t)(reclaimed % UK_NETRING_SLOTS);
        if (!slot_queued[s])
            continue;
        slot_queued[s] = 0;
        tx_tail = slot_tx_end[s];
        uint32_t h = uk_net_ring.desc[s].handle; /* ours: the monitor never writes desc */
        if (uk_net_ring.comp[s].status == UK_EIO && h < UK_NET_NICS)
            tx_error[h] = UK_EIO;
    }
}

static void kick(void) { uk_cpu_doorbell(doorbell); }

/* Waits for descriptor idx (kicking the thread unless it polls); uk_ring_wait's answer: 0
 * when the I/O thread did not take it in time. */
static int wait_for(uint64_t idx)
{
    if (__atomic_load_n(&uk_net_ring.need_kick, __ATOMIC_SEQ_CST) != UK_NETRING_POLLING)
        kick();
    int taken = uk_ring_wait(&waiter, &words, idx);
    uk_net_ring_reclaim();
    return taken;
}

static int ring_ok(void) { return !__atomic_load_n(&uk_net_ring.error, __ATOMIC_RELAXED); }

/* A free slot for the next descriptor. 0 once the ring broke. */
static int make_room(void)
{
    for (;;) {
        uint64_t tail = uk_net_ring.sq_tail;
        if (tail - __atomic_load_n(&uk_net_ring.done, __ATOMIC_ACQUIRE) < UK_NETRING_SLOTS) {
            uk_net_ring_reclaim();
            return 1;
        }
        wait_for(tail - UK_NETRING_SLOTS);
        if (!ring_ok())
            return 0;
    }
}

static uint64_t publish(uint32_t op, uint64_t handle, uint64_t data, uint64_t len)
{
    uint64_t idx = uk_net_ring.sq_tail;
    struct uk_netring_desc *d = &uk_net_ring.desc[idx % UK_NETRING_SLOTS];
    d->op = op;
    d->handle = (uint32_t)handle;
    d->data = data;
    d->len = len;
    __atomic_store_n(&uk_net_ring.sq_tail, idx + 1, __ATOMIC_SEQ_CST); /* publish, then look */
    return idx;
}

static void ring_broke(int *status, uint64_t *done)
{
    *status = (int)uk_net_ring.error; /* only a guest's own bug can do that */
    *done = 0;
    uk_net_ring_state = UK_NET_RING_OFF;
}

int uk_net_in_memory(uint64_t p, uint64_t len)
{
    uint64_t mem = uk_boot_info()->mem_size;
    return p >= 4096 && p < mem && len <= mem - p;
}

/* `count` frames (data, len) all the NIC takes and all within the buffers: queued. */
static int queueable(uint64_t handle, const struct uk_net_frame *f, uint64_t count)
{
    const struct uk_net_nic *n = uk_net_nic(handle);
    if (!n || count == 0 || count > TX_FRAMES / 2 || !uk_net_in_memory((uint64_t)(uintptr_t)f, count * sizeof *f))
        return 0;
    for (uint64_t i = 0; i < count; ++i)
        if (f[i].len < 14 || f[i].len > UK_NET_FRAME_BYTES || f[i].len - 14 > n->mtu || !uk_net_in_memory(f[i].data, f[i].len))
            return 0;
    return 1;
}

/* Queues the frames, copied; *status UK_OK (all of them accepted) or UK_EIO (an earlier
 * queued frame met a host error: these are not sent). 0 once the ring broke. */
static int queue(uint64_t handle, const struct uk_net_frame *f, uint64_t count, int *status)
{
    *status = tx_error[handle];
    if (tx_error[handle]) {
        tx_error[handle] = 0;
        return 1;
    }
    if (!make_room())
        return 0;
    uint64_t skip;
    for (;;) { /* count entries in a row (a vector is contiguous) */
        uint64_t pos = tx_head % TX_FRAMES;
        skip = pos + count > TX_FRAMES ? TX_FRAMES - pos : 0;
        if (TX_FRAMES - (tx_head - tx_tail) >= skip + count)
            break;
        wait_for(reclaimed); /* the oldest queued descriptor holds the buffers */
        if (!ring_ok())
            return 0;
    }
    tx_head += skip;
    uint64_t first = tx_head % TX_FRAMES;
    for (uint64_t i = 0; i < count; ++i) {
        memcpy(tx_buf[first + i], (const void *)(uintptr_t)f[i].data, f[i].len);
        tx_vec[first + i] = (struct uk_net_frame){(uint64_t)(uintptr_t)tx_buf[first + i], f[i].len, 0};
    }
    tx_head += count;
    uint64_t idx = count == 1
                       ? publish(UK_NETRING_WRITE | UK_NETRING_QUEUED, handle, tx_vec[first].data, f[0].len)
                       : publish(UK_NETRING_WRITEV | UK_NETRING_QUEUED, handle, (uint64_t)(uintptr_t)&tx_vec[first], count);
    slot_tx_end[idx % UK_NETRING_SLOTS] = tx_head;
    slot_queued[idx % UK_NETRING_SLOTS] = 1;
    /* The dozing thread takes them within UK_NETRING_DOZE_MS, the next exit at once. Kick one
     * that sleeps, or when the queue is half full. */
    uint32_t k = __atomic_load_n(&uk_net_ring.need_kick, __ATOMIC_SEQ_CST);
    if (k == UK_NETRING_ASLEEP ||
        (k != UK_NETRING_POLLING && (idx + 1 - reclaimed >= UK_NETRING_SLOTS / 2 || tx_head - tx_tail >= TX_FRAMES / 2)))
        kick();
    return 1;
}

int uk_ring_netio(uint32_t op, uint64_t handle, uint64_t data, uint64_t len, int *status, uint64_t *done)
{
    if (!uk_net_ring_on() || handle > UINT32_MAX)
        return 0;
    if (op == UK_NETRING_WRITE || op == UK_NETRING_WRITEV) {
        struct uk_net_frame one = {data, len, 0};
        const struct uk_net_frame *f = op == UK_NETRING_WRITE ? &one : (const struct uk_net_frame *)(uintptr_t)data;
        uint64_t count = op == UK_NETRING_WRITE ? 1 : len;
        if (queueable(handle, f, count)) {
            int s;
            if (!queue(handle, f, count, &s)) {
                ring_broke(status, done);
                return 1;
            }
            *status = s;
            *done = s != UK_OK ? 0 : op == UK_NETRING_WRITE ? len : count;
            if (op == UK_NETRING_WRITEV)
                for (uint64_t i = 0; i < count; ++i) /* as the hypercall writes them back */
                    ((struct uk_net_frame *)(uintptr_t)data)[i].done_len = s == UK_OK ? f[i].len : 0;
            return 1;
        }
    }
    if (direct_left) {
        --direct_left;
        return 0; /* the monitor serves what is queued before the direct call */
    }
    if (!make_room()) {
        ring_broke(status, done);
        return 1;
    }
    uint64_t idx = publish(op, handle, data, len);
    if (wait_for(idx)) {
        direct_run = 0;
    } else {
        direct_run = direct_run ? (direct_run * 2 > DIRECT_MAX ? DIRECT_MAX : direct_run * 2) : DIRECT_MIN;
        direct_left = direct_run;
    }
    if (__atomic_load_n(&uk_net_ring.done, __ATOMIC_ACQUIRE) > idx) {
        const struct uk_netring_completion *c = &uk_net_ring.comp[idx % UK_NETRING_SLOTS];
        *status = (int)c->status;
        *done = c->done;
        return 1;
    }
    ring_broke(status, done);
    return 1;
}
