/* udp-echo: answers ARP for its IPv4 address and sends every UDP datagram to its PORT back
 * to its sender, byte for byte, with correct IPv4 and UDP checksums. It answers ping too.
 * Usage: udp-echo --net:service=TAP -- ADDRESS PORT */
#include <stdio.h>
#include <stdlib.h>
#include <ukmon/guest.h>

#include "../ping/net_util.h"

UK_DECLARE_NET(service);

static unsigned port;

/* The UDP checksum over the pseudo-header (addresses, protocol, length) and the datagram. */
static uint16_t udp_checksum(const uint8_t *ip, const uint8_t *udp, size_t udp_len)
{
    uint8_t pseudo[4] = {0, 17, (uint8_t)(udp_len >> 8), (uint8_t)udp_len};
    uint16_t c = csum_fold(csum_add(csum_add(csum_add(0, ip + 12, 8), pseudo, 4), udp, udp_len));
    return c ? c : 0xffff; /* 0 would mean "no checksum" */
}

static size_t udp_echo_answer(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out)
{
    size_t ihl = ipv4_for_us(n, f, len, 17);
    if (!ihl)
        return 0;
    const uint8_t *udp = f + ETH_HLEN + ihl;
    size_t udp_len = get16(f + ETH_HLEN + 2) - ihl;
    if (udp_len < 8 || get16(udp + 4) != udp_len || get16(udp + 2) != port)
        return 0;
    size_t reply_len = ipv4_reply(n, f, out);
    uint8_t *ip = out + ETH_HLEN, *r = ip + ihl;
    put16(r, get16(udp + 2)); /* from our port */
    put16(r + 2, get16(udp)); /* to theirs */
    put16(r + 6, 0);
    put16(r + 6, udp_checksum(ip, r, udp_len));
    return reply_len;
}

static size_t answer(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out)
{
    size_t reply = arp_answer(n, f, len, out);
    if (!reply)
        reply = udp_echo_answer(n, f, len, out);
    return reply ? reply : icmp_echo_answer(n, f, len, out);
}

int main(int argc, char **argv)
{
    struct nic nic;
    char *end;
    if (argc != 3) {
        printf("usage: udp-echo --net:service=TAP -- IPV4-ADDRESS PORT\n");
        return 2;
    }
    port = (unsigned)strtoul(argv[2], &end, 10);
    if (*end || port == 0 || port > 65535) {
        printf("udp-echo: bad port '%s'\n", argv[2]);
        return 2;
    }
    if (nic_open(&nic, "service", argv[1]) != 0)
        return 2;
    printf("udp-echo: echoing UDP port %u on %s\n", port, argv[1]);
    int r = serve(&nic, 1, answer);
    printf("udp-echo: network error %d\n", r);
    return 1;
}
