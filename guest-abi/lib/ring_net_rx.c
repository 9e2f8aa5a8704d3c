/* Reading ahead on the net ring (abi.h, UK_HC_NETPOLL). With the ring set up, uk_poll is one
 * exit that sends what is queued, waits, and reads the frames that arrived into the library's
 * own buffers; uk_netread(v) then hands them over without an exit. A server's round is then
 * one exit, where it was four (read, send, read finding nothing, poll).
 *
 * Only frames the NIC had when the poll ended are read, and they are handed over in order
 * before anything else is read from that NIC. A read that finds these buffers empty right
 * after a read ahead that left the NIC dry says UK_EAGAIN without an exit: the guest's next
 * poll (an exit) finds anything that arrived since. A second such read asks the monitor, so a
 * guest that only ever reads, and never polls, still gets every frame. */
#include <stdint.h>
#include <string.h>
#include <ukmon/guest.h>

#include "ring.h"

#define RX_FRAMES 64u
static uint8_t rx_buf[RX_FRAMES][UK_NET_FRAME_BYTES];
static struct uk_net_frame rx_vec[RX_FRAMES];
static uint64_t rx_handle = UINT64_MAX; /* the NIC read ahead from: the first one read */
static uint32_t rx_have, rx_next;       /* frames read ahead, the next to hand over */
/* How the read ahead ended, said once its frames are handed over: UK_EAGAIN (the NIC was
 * dry: the next read says so without an exit), another status (said as the read would have),
 * or UK_OK (the buffers filled: more may wait, the next read asks the monitor). */
static int rx_end = UK_OK;

/* Reads ahead only from a NIC whose every frame fits the buffers (MTU 1500 and tags). */
static int reads_ahead(uint64_t handle)
{
    const struct uk_net_nic *n = uk_net_nic(handle);
    return n && n->mtu <= 1500;
}

/* The one exit: sends what is queued, waits up to timeout_ns, reads ahead from rx_handle
 * (when known) into the buffers. */
static void exit_and_read_ahead(uint64_t timeout_ns, uint64_t *ready_set, int *status)
{
    uint64_t count = rx_handle == UINT64_MAX ? 0 : RX_FRAMES;
    for (uint64_t i = 0; i < count; ++i)
        rx_vec[i] = (struct uk_net_frame){(uint64_t)(uintptr_t)rx_buf[i], UK_NET_FRAME_BYTES, 0};
    struct uk_hc_netpoll a = {0, timeout_ns, 0, count ? rx_handle : 0, (uint64_t)(uintptr_t)rx_vec, count, 0, 0};
    uk_hypercall(UK_HC_NETPOLL, &a);
    uk_net_ring_reclaim(); /* the exit sent what was queued */
    if (count) {
        rx_have = (uint32_t)(a.got < count ? a.got : count);
        rx_next = 0;
        rx_end = (int)a.read_ret;
        if (a.ret == UK_OK && !(a.ready_set >> rx_handle & 1))
            rx_end = UK_EAGAIN; /* not readable when the wait ended: dry */
    }
    *ready_set = a.ready_set;
    *status = (int)a.ret;
}

int uk_ring_netread(uint64_t handle, struct uk_net_frame *frames, uint64_t count, int *status, uint64_t *done)
{
    if (!uk_net_ring_on())
        return 0;
    if (rx_handle == UINT64_MAX && reads_ahead(handle))
        rx_handle = handle;
    if (handle != rx_handle || count == 0 || count > UK_NET_BATCH_MAX ||
        !uk_net_in_memory((uint64_t)(uintptr_t)frames, count * sizeof *frames))
        return 0; /* the monitor answers as ever */
    uint64_t i = 0;
    int s = UK_OK;
    while (i < count && s == UK_OK) {
        if (rx_next == rx_have) {
            if (rx_end != UK_OK) { /* how the last read ahead ended: said once */
                /* A dry NIC is also said by the first read that gets nothing (a server's
                 * last look before it polls), so its round ends without an exit. */
                s = rx_end;
                if (i == 0 || rx_end != UK_EAGAIN)
                    rx_end = UK_OK;
                break;
            }
            /* Nothing here and the NIC may have more: read ahead now (the exit a direct
             * read would be, which also sends what is queued). */
            uint64_t ready;
            int ps;
            exit_and_read_ahead(0, &ready, &ps);
            if (ps != UK_OK)
                rx_end = ps; /* the poll failed (UK_EIO): said as the read */
            else if (rx_have == 0 && rx_end == UK_OK)
                rx_end = UK_EAGAIN;
            continue;
        }
        frames[i].done_len = 0;
        if (frames[i].len < 14) { /* refused before a frame is taken, as the monitor does */
            s = UK_EINVAL;
            break;
        }
        uint64_t len = rx_vec[rx_next].done_len;
        if (len > frames[i].len) { /* a frame that does not fit is dropped, as a TAP read does */
            ++rx_next;
            s = UK_EINVAL;
            break;
        }
        if (!uk_net_in_memory(frames[i].data, len)) { /* refused before the frame is taken */
            s = UK_EFAULT;
            break;
        }
        memcpy((void *)(uintptr_t)frames[i].data, rx_buf[rx_next++], len);
        frames[i].done_len = len;
        ++i;
    }
    *done = i;
    for (uint64_t j = i; j < count; ++j)
        frames[j].done_len = 0;
    *status = s;
    return 1;
}

/* More than one NIC: a poll must see every NIC's readiness, not only the one read ahead. */
static int nics_attached(void)
{
    const struct uk_boot_info *bi = uk_boot_info();
    int n = 0;
    for (uint32_t i = 0; i < bi->device_count && i < UK_MAX_DEVICES; ++i)
        n += bi->devices[i].type == UK_DEV_NET;
    return n;
}

int uk_ring_netpoll(uint64_t timeout_ns, uint64_t *ready_set, int *status)
{
    if (uk_net_ring_state != UK_NET_RING_ON) /* set up by a net call: none yet, no ring to use */
        return 0;
    if (rx_next < rx_have || (rx_end != UK_OK && rx_end != UK_EAGAIN)) {
        /* Frames (or news) already here: no wait. With other NICs, ask (no wait, no read)
         * what else is ready. */
        struct uk_hc_netpoll a = {0, 0, 0, 0, 0, 0, 0, 0};
        if (nics_attached() > 1)
            uk_hypercall(UK_HC_NETPOLL, &a);
        *ready_set = a.ready_set | 1ull << rx_handle;
        *status = UK_OK;
        return 1;
    }
    exit_and_read_ahead(timeout_ns, ready_set, status);
    return 1;
}
