/* Hypercall wrappers: fill the argument struct, call the gate, return its status. */
#include <stdint.h>
#include <string.h>
#include <ukmon/guest.h>

#include "ring.h"

typedef void (*uk_gate_fn)(uint64_t nr, uint64_t arg);

void uk_hypercall(uint64_t nr, void *arg)
{
    uk_gate_fn gate = (uk_gate_fn)(uintptr_t)uk_boot_info()->hypercall_gate;
    gate(nr, (uint64_t)(uintptr_t)arg);
}

int64_t uk_device_handle(uint32_t type, const char *name)
{
    const struct uk_boot_info *bi = uk_boot_info();
    for (uint32_t i = 0; i < bi->device_count && i < UK_MAX_DEVICES; ++i)
        if (bi->devices[i].type == type && strcmp(bi->devices[i].name, name) == 0)
            return bi->devices[i].handle;
    return -1;
}

int uk_puts(const char *data, size_t len)
{
    struct uk_hc_puts a = {0, (uint64_t)(uintptr_t)data, len};
    uk_hypercall(UK_HC_PUTS, &a);
    return (int)a.ret;
}

int uk_poll(uint64_t timeout_ns, uint64_t *ready_set)
{
    int status;
    uint64_t ready;
    if (uk_ring_netpoll(timeout_ns, &ready, &status)) { /* kvm: the round's one exit */
        if (ready_set)
            *ready_set = ready;
        return status;
    }
    struct uk_hc_poll a = {0, timeout_ns, 0};
    uk_hypercall(UK_HC_POLL, &a);
    if (ready_set)
        *ready_set = a.ready_set;
    return (int)a.ret;
}

int uk_blkinfo(uint64_t handle, struct uk_hc_blkinfo *info)
{
    memset(info, 0, sizeof *info);
    info->handle = handle;
    uk_hypercall(UK_HC_BLKINFO, info);
    return (int)info->ret;
}

static int blkio(uint64_t nr, uint64_t handle, uint64_t offset, const void *buf, size_t len)
{
    int status; /* kvm: through the ring, without an exit per request */
    if (uk_ring_blkio(nr == UK_HC_BLKREAD ? UK_BLKRING_READ : UK_BLKRING_WRITE, handle, offset,
                      (uint64_t)(uintptr_t)buf, len, &status))
        return status;
    struct uk_hc_blkio a = {0, handle, offset, (uint64_t)(uintptr_t)buf, len};
    uk_hypercall(nr, &a);
    return (int)a.ret;
}

int uk_blkread(uint64_t handle, uint64_t offset, void *buf, size_t len)
{
    return blkio(UK_HC_BLKREAD, handle, offset, buf, len);
}

int uk_blkwrite(uint64_t handle, uint64_t offset, const void *buf, size_t len)
{
    return blkio(UK_HC_BLKWRITE, handle, offset, buf, len);
}

int uk_blkflush(uint64_t handle)
{
    int status;
    if (uk_ring_blkio(UK_BLKRING_FLUSH, handle, 0, 0, 0, &status))
        return status;
    struct uk_hc_blkflush a = {0, handle};
    uk_hypercall(UK_HC_BLKFLUSH, &a);
    return (int)a.ret;
}

static int netv(uint64_t nr, uint64_t handle, struct uk_net_frame *frames, size_t count, size_t *done)
{
    int status; /* kvm: through the ring, without an exit per call */
    uint64_t n;
    if (nr == UK_HC_NETREADV && uk_ring_netread(handle, frames, count, &status, &n)) {
        if (done)
            *done = n;
        return status;
    }
    if (uk_ring_netio(nr == UK_HC_NETWRITEV ? UK_NETRING_WRITEV : UK_NETRING_READV, handle,
                      (uint64_t)(uintptr_t)frames, count, &status, &n)) {
        if (done)
            *done = n;
        return status;
    }
    struct uk_hc_netv a = {0, handle, (uint64_t)(uintptr_t)frames, count, 0};
    uk_hypercall(nr, &a);
    if (done)
        *done = a.done;
    return (int)a.ret;
}

int uk_netwritev(uint64_t handle, struct uk_net_frame *frames, size_t count, size_t *done)
{
    return netv(UK_HC_NETWRITEV, handle, frames, count, done);
}

int uk_netreadv(uint64_t handle, struct uk_net_frame *frames, size_t count, size_t *done)
{
    return netv(UK_HC_NETREADV, handle, frames, count, done);
}

int uk_netinfo(uint64_t handle, struct uk_hc_netinfo *info)
{
    memset(info, 0, sizeof *info);
    info->handle = handle;
    uk_hypercall(UK_HC_NETINFO, info);
    return (int)info->ret;
}

int uk_netwrite(uint64_t handle, const void *frame, size_t len)
{
    int status;
    uint64_t n;
    if (uk_ring_netio(UK_NETRING_WRITE, handle, (uint64_t)(uintptr_t)frame, len, &status, &n))
        return status;
    struct uk_hc_netio a = {0, handle, (uint64_t)(uintptr_t)frame, len, 0};
    uk_hypercall(UK_HC_NETWRITE, &a);
    return (int)a.ret;
}

int uk_netread(uint64_t handle, void *buf, size_t size, size_t *got)
{
    int status;
    uint64_t n;
    struct uk_net_frame one = {(uint64_t)(uintptr_t)buf, size, 0};
    if (uk_ring_netread(handle, &one, 1, &status, &n)) {
        if (got)
            *got = one.done_len;
        return status;
    }
    if (uk_ring_netio(UK_NETRING_READ, handle, (uint64_t)(uintptr_t)buf, size, &status, &n)) {
        if (got)
            *got = n;
        return status;
    }
    struct uk_hc_netio a = {0, handle, (uint64_t)(uintptr_t)buf, size, 0};
    uk_hypercall(UK_HC_NETREAD, &a);
    if (got)
        *got = a.done_len;
    return (int)a.ret;
}

void uk_halt(uint64_t status, const void *cookie, size_t cookie_len)
{
    struct uk_hc_halt a = {0, status, (uint64_t)(uintptr_t)cookie, cookie_len};
    uk_hypercall(UK_HC_HALT, &a);
    __builtin_trap(); /* the monitor never returns from halt */
}
