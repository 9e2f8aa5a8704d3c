/* The lwIP netif on the NIC hypercalls, and the loop that drives lwIP. Frames are read in
 * batches straight into pool pbufs (one netreadv per batch), and frames lwIP sends during a
 * round are collected and sent with one netwritev at the end of it: under kvm a busy server
 * pays one exit per batch in each direction. When there is nothing to do the loop sleeps in
 * the poll hypercall until a frame arrives or lwIP's next timer is due. */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#include "internal.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define BATCH 64u
#define FRAME_MAX 1514u /* lwIP's MTU is 1500; longer frames are dropped by the monitor */

static struct netif the_netif;
static uint64_t nic_handle;
static char address_text[16];

/* rx: pool pbufs handed to netreadv; the ones not filled are kept for the next batch. */
static struct pbuf *rx_pbufs[BATCH];
static struct uk_net_frame rx_frames[BATCH];
/* tx: frames lwIP output during this round, copied into one buffer each. */
static uint8_t tx_bufs[BATCH][FRAME_MAX];
static struct uk_net_frame tx_frames[BATCH];
static size_t tx_count;
static int host_error;

uint32_t uknet_rand(void) { return arc4random(); }
uint32_t sys_now(void) { return (uint32_t)(uk_monotonic_ns() / 1000000u); }
uint32_t uknet_now_ms(void) { return sys_now(); }
const char *uknet_address(void) { return address_text; }
void uknet_after(uint32_t ms, void (*fn)(void *), void *arg) { sys_timeout(ms, fn, arg); }

static void tx_flush(void)
{
    size_t done = 0;
    if (tx_count == 0)
        return;
    int r = uk_netwritev(nic_handle, tx_frames, tx_count, &done);
    if (r == UK_EIO)
        host_error = r;
    /* Other statuses (a frame the TAP refused) drop the frame, as a NIC would. */
    tx_count = 0;
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    if (p->tot_len > FRAME_MAX)
        return ERR_BUF;
    if (tx_count == BATCH)
        tx_flush();
    uint8_t *buf = tx_bufs[tx_count];
    pbuf_copy_partial(p, buf, p->tot_len, 0);
    tx_frames[tx_count++] = (struct uk_net_frame){(uint64_t)(uintptr_t)buf, p->tot_len, 0};
    return ERR_OK;
}

static err_t netif_setup(struct netif *netif)
{
    struct uk_hc_netinfo info;
    if (uk_netinfo(nic_handle, &info) != UK_OK)
        return ERR_IF;
    memcpy(netif->hwaddr, info.mac, ETH_HWADDR_LEN);
    netif->hwaddr_len = ETH_HWADDR_LEN;
    netif->mtu = info.mtu < 1500 ? (u16_t)info.mtu : 1500;
    netif->name[0] = 'u';
    netif->name[1] = 'k';
    netif->output = etharp_output;
    netif->linkoutput = linkoutput;
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

int uknet_init(const char *nic, int *argc, char ***argv)
{
    struct uknet_config c;
    if (uknet_parse_config(argc, argv, &c) != 0)
        return -1;
    int64_t h = uk_device_handle(UK_DEV_NET, nic);
    if (h < 0) {
        printf("uknet: no NIC '%s' is attached (run with --net:%s=TAP)\n", nic, nic);
        return -1;
    }
    nic_handle = (uint64_t)h;
    lwip_init();
    ip4_addr_t ip, mask, gw;
    ip4_addr_set_u32(&ip, lwip_htonl(c.ip));
    ip4_addr_set_u32(&mask, lwip_htonl(c.mask));
    ip4_addr_set_u32(&gw, lwip_htonl(c.gw));
    if (!netif_add(&the_netif, &ip, &mask, &gw, NULL, netif_setup, ethernet_input)) {
        printf("uknet: NIC '%s' does not answer netinfo\n", nic);
        return -1;
    }
    netif_set_default(&the_netif);
    netif_set_up(&the_netif);
    ip4addr_ntoa_r(&ip, address_text, sizeof address_text);
    return 0;
}

/* Reads batches until the NIC runs dry or a batch comes back short; feeds each frame to lwIP
 * as it comes. Returns the number of frames read. */
static size_t rx_drain(void)
{
    size_t total = 0;
    for (;;) {
        size_t n = 0, got = 0;
        for (; n < BATCH; ++n) {
            if (!rx_pbufs[n] && !(rx_pbufs[n] = pbuf_alloc(PBUF_RAW, FRAME_MAX, PBUF_POOL)))
                break; /* pool exhausted: read fewer frames */
            rx_frames[n] = (struct uk_net_frame){(uint64_t)(uintptr_t)rx_pbufs[n]->payload, FRAME_MAX, 0};
        }
        if (n == 0)
            return total;
        int r = uk_netreadv(nic_handle, rx_frames, n, &got);
        if (r != UK_OK && r != UK_EAGAIN && r != UK_EINVAL) { /* EINVAL: an oversized frame, dropped */
            host_error = r;
            return total;
        }
        for (size_t i = 0; i < got && i < n; ++i) {
            struct pbuf *p = rx_pbufs[i];
            rx_pbufs[i] = NULL;
            size_t len = rx_frames[i].done_len;
            if (len < 14 || len > FRAME_MAX) {
                pbuf_free(p);
                continue;
            }
            pbuf_realloc(p, (u16_t)len);
            if (the_netif.input(p, &the_netif) != ERR_OK)
                pbuf_free(p);
        }
        /* Move the unused pbufs to the front for the next batch. */
        size_t k = 0;
        for (size_t i = 0; i < BATCH; ++i)
            if (rx_pbufs[i]) {
                struct pbuf *p = rx_pbufs[i];
                rx_pbufs[i] = NULL;
                rx_pbufs[k++] = p;
            }
        total += got;
        if (r == UK_EAGAIN || got < n)
            return total;
    }
}

int uknet_poll(uint32_t max_wait_ms)
{
    size_t got = rx_drain();
    sys_check_timeouts();
    tx_flush();
    if (host_error)
        return host_error;
    if (got)
        return UK_OK;
    uint32_t wait = sys_timeouts_sleeptime();
    if (wait > max_wait_ms)
        wait = max_wait_ms;
    if (wait == 0)
        return UK_OK;
    uint64_t ready = 0;
    int r = uk_poll((uint64_t)wait * 1000000u, &ready);
    return r == UK_OK || r == UK_EAGAIN ? UK_OK : r;
}

int uknet_run(void)
{
    for (;;) {
        int r = uknet_poll(1000);
        if (r != UK_OK)
            return r;
    }
}
