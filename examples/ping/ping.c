/* ping: answers ARP requests for its IPv4 address and ICMP echo requests on its NIC, so
 * `ping ADDRESS` from the host works.  Usage: ping --net:service=TAP -- ADDRESS */
#include <stdio.h>
#include <ukmon/guest.h>

#include "net_util.h"

UK_DECLARE_NET(service);

static size_t answer(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out)
{
    size_t reply = arp_answer(n, f, len, out);
    return reply ? reply : icmp_echo_answer(n, f, len, out);
}

int main(int argc, char **argv)
{
    struct nic nic;
    if (argc != 2) {
        printf("usage: ping --net:service=TAP -- IPV4-ADDRESS\n");
        return 2;
    }
    if (nic_open(&nic, "service", argv[1]) != 0)
        return 2;
    printf("ping: answering ARP and ICMP echo for %s\n", argv[1]);
    int r = serve(&nic, 1, answer);
    printf("ping: network error %d\n", r);
    return 1;
}
