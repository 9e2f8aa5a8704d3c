/* The guest library's rings (ring_blk.c, ring_net.c), used by the calls in hypercalls.c, and
 * the waiting both share (ring_wait.c). */
#ifndef UKMON_LIB_RING_H
#define UKMON_LIB_RING_H
#include <stdint.h>
#include <ukmon/abi.h>

/* Serves one request through the ring if the monitor offers one (kvm): returns 1 and sets
 * *status; returns 0 when the caller should make the direct hypercall instead. */
int uk_ring_blkio(uint32_t op, uint64_t handle, uint64_t offset, uint64_t data, uint64_t len, int *status);

/* The same for one net call (enum uk_netring_op): *status and *done as the hypercall's ret
 * and done_len (WRITE, READ) or done (WRITEV, READV). Frames to send may be queued
 * (ring_net.c): then *status is UK_OK at once. */
int uk_ring_netio(uint32_t op, uint64_t handle, uint64_t data, uint64_t len, int *status, uint64_t *done);
/* A read (as uk_netreadv) served from the frames uk_poll read ahead (ring_net_rx.c): 1 with
 * *status and *done; 0 when the caller should read as ever. */
int uk_ring_netread(uint64_t handle, struct uk_net_frame *frames, uint64_t count, int *status, uint64_t *done);
/* uk_poll with the ring: 1 with *ready_set and *status; 0 when the caller polls as ever. */
int uk_ring_netpoll(uint64_t timeout_ns, uint64_t *ready_set, int *status);

/* What ring_net.c and ring_net_rx.c share. */
#define UK_NET_FRAME_BYTES 1536u /* the library's frame buffers: MTU 1500, header and tags */
#define UK_NET_NICS 8u           /* handles below this get queued sends and read-ahead */
enum uk_net_ring_state { UK_NET_RING_UNKNOWN, UK_NET_RING_ON, UK_NET_RING_OFF };
extern int uk_net_ring_state;
int uk_net_ring_on(void);        /* sets the ring up at the first call; 1 when it is on */
void uk_net_ring_reclaim(void);  /* gives back the buffers of completed queued sends */
struct uk_net_nic {
    uint8_t known, ok;           /* asked (uk_netinfo once); an attached NIC */
    uint64_t mtu;
};
const struct uk_net_nic *uk_net_nic(uint64_t handle); /* null: not an attached NIC (or >= UK_NET_NICS) */
/* Whether [p, p+len) lies in guest memory past the first page: what the library may copy
 * itself. Anything else goes to the monitor, which answers UK_EFAULT as ever (memory the
 * guest may not touch, such as a guard page, still faults in the guest: its own bug). */
int uk_net_in_memory(uint64_t p, uint64_t len);

/* Waiting for a ring's completion: poll a while, then exit with the ring's WAIT
 * (`wait_call(until)` returns its uk_status). With watch_taken, a poll for `taken` first,
 * spin_min_ns long (about one exit); the poll for `done` adapts between spin_min_ns and
 * spin_max_ns. */
struct uk_ring_waiter {
    uint64_t spin_ns, spin_min_ns, spin_max_ns;
    int watch_taken;
    int (*wait_call)(uint64_t until);
};
struct uk_ring_words { /* the ring header's monitor-written words */
    const uint64_t *done, *taken;
    const uint32_t *error;
};
/* Returns 0 when (watch_taken) no server took the descriptor within spin_min_ns (the I/O
 * thread did not run: the guest exited to WAIT), 1 otherwise. */
int uk_ring_wait(struct uk_ring_waiter *w, const struct uk_ring_words *r, uint64_t idx);

#endif
