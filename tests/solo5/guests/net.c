/* Net device "service": answers ARP requests for the IPv4 address on its command line and
 * ICMP echo requests, until killed (the ARP/ICMP code is examples/ping's). */
#include "solo5_guest.h"

#include "../../../examples/ping/net_util.h"

SOLO5_TEST_MANIFEST(1, SOLO5_NET("service"))

static uint8_t rx[1514 + 64], tx[1514 + 64];

int solo5_app_main(const char *cmdline) {
    uint64_t h;
    const struct solo5_mft_entry *e = solo5_device("service", SOLO5_MFT_NET_BASIC, &h);
    struct nic n;
    if (!e || parse_ipv4(cmdline, n.ip) != 0) {
        solo5_puts("net: usage: --net:service=TAP KERNEL IPV4-ADDRESS\n");
        return 2;
    }
    n.handle = h;
    t_memcpy(n.mac, e->u.net.mac, 6);
    n.frame_max = e->u.net.mtu + ETH_HLEN;
    if (n.frame_max > sizeof rx) n.frame_max = sizeof rx;
    solo5_puts("net: answering ARP and ICMP echo for ");
    solo5_puts(cmdline);
    solo5_puts("\n");
    for (;;) {
        uint64_t ready = solo5_yield(solo5_clock_monotonic() + 1000000000ull);
        if (!((ready >> h) & 1)) continue;
        size_t got;
        int r;
        while ((r = solo5_net_read(h, rx, n.frame_max, &got)) != SOLO5_R_AGAIN) {
            if (r != SOLO5_R_OK) continue;  /* a frame too long for the buffer: dropped */
            size_t len = arp_answer(&n, rx, got, tx);
            if (!len) len = icmp_echo_answer(&n, rx, got, tx);
            if (len) solo5_net_write(h, tx, len);
        }
    }
}
