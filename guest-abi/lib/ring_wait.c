/* Waiting for a ring's completion (ring.h), shared by the blk and the net ring.
 *
 * Polling for a completion is cheaper than an exit (tens of µs on PVM) as long as the I/O
 * thread runs on another CPU. When it does not (a busy host, or one CPU for both), polling
 * only delays it: then the guest exits (the ring's WAIT, where the monitor serves the ring
 * itself). So the poll adapts (below), between spin_min_ns (about what an exit costs, so
 * never worse than exiting at once by more than that) and spin_max_ns. */
#include <stdint.h>
#include <ukmon/guest.h>

#include <uk_cpu.h>

#include "ring.h"

#define LOOPS_PER_US_WITHOUT_TSC 20u

static int completed(const uint64_t *done, const uint32_t *error, uint64_t idx)
{
    return __atomic_load_n(done, __ATOMIC_ACQUIRE) > idx || __atomic_load_n(error, __ATOMIC_RELAXED);
}

/* Polls until `*word > idx` (or the ring broke) for at most ns nanoseconds. 1 if it came,
 * with *took_ns how long that took (0 when there is no TSC to tell). */
static int poll_for(const uint64_t *word, const uint32_t *error, uint64_t idx, uint64_t ns, uint64_t *took_ns)
{
    uint64_t hz = uk_boot_info()->tsc_hz;
    uint64_t start = uk_cpu_counter(), limit = hz ? hz / 1000000 * (ns / 1000) : 0;
    *took_ns = 0;
    for (uint64_t n = 0; !completed(word, error, idx); ++n) {
        if (hz ? uk_cpu_counter() - start > limit : n > ns / 1000 * LOOPS_PER_US_WITHOUT_TSC)
            return 0;
        uk_cpu_relax();
    }
    if (hz >= 1000000)
        *took_ns = (uk_cpu_counter() - start) / (hz / 1000000) * 1000;
    return 1;
}

static uint64_t clamp(uint64_t v, uint64_t lo, uint64_t hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

int uk_ring_wait(struct uk_ring_waiter *w, const struct uk_ring_words *r, uint64_t idx)
{
    uint64_t took;
    int taken = 1;
    if (!w->watch_taken) {
        /* The blk ring's poll, as measured in docs/performance.md: one poll of `done`,
         * doubled after a request that completed within it, halved after one that did not. */
        if (poll_for(r->done, r->error, idx, w->spin_ns, &took)) {
            w->spin_ns = clamp(2 * w->spin_ns, w->spin_min_ns, w->spin_max_ns);
            return 1;
        }
        w->spin_ns = clamp(w->spin_ns / 2, w->spin_min_ns, w->spin_max_ns);
    } else {
        /* A polling I/O thread takes a descriptor within a µs, a sleeping one once the
         * doorbell woke it. One that does not within about an exit's time is likely not
         * running (it may share this CPU): then exit at once and let the monitor serve the
         * ring itself, rather than spin away the CPU it needs. Once taken, poll for the
         * completion four times as long as the last one took (a batch of frames takes far
         * longer than one block): halved when that was not enough (the thread lost its CPU
         * meanwhile). */
        taken = poll_for(r->taken, r->error, idx, w->spin_min_ns, &took);
        if (taken && poll_for(r->done, r->error, idx, w->spin_ns, &took)) {
            w->spin_ns = clamp(took ? 4 * took : 2 * w->spin_ns, w->spin_min_ns, w->spin_max_ns);
            return 1;
        }
        if (taken)
            w->spin_ns = clamp(w->spin_ns / 2, w->spin_min_ns, w->spin_max_ns);
    }
    while (!completed(r->done, r->error, idx)) {
        int rc = w->wait_call(idx + 1);
        if (rc != UK_OK && rc != UK_EAGAIN)
            break;
    }
    return taken;
}
