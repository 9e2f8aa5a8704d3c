/* The guest library's blk ring (ring_blk.c), used by the blk calls in hypercalls.c. */
#ifndef UKMON_LIB_RING_H
#define UKMON_LIB_RING_H
#include <stdint.h>

/* Serves one request through the ring if the monitor offers one (kvm): returns 1 and sets
 * *status; returns 0 when the caller should make the direct hypercall instead. */
int uk_ring_blkio(uint32_t op, uint64_t handle, uint64_t offset, uint64_t data, uint64_t len, int *status);

#endif
