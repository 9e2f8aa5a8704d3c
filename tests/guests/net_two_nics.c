/* net_two_nics: two NICs at once. Declares "service" and "admin" and answers ARP and ICMP
 * echo on each with its own address.  Usage: net_two_nics ... -- SERVICE-IP ADMIN-IP */
#include <stdio.h>
#include <ukmon/guest.h>

#include "../../examples/ping/net_util.h"

UK_DECLARE_NET(service);
UK_DECLARE_NET(admin);

static size_t answer(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out)
{
    size_t reply = arp_answer(n, f, len, out);
    return reply ? reply : icmp_echo_answer(n, f, len, out);
}

int main(int argc, char **argv)
{
    struct nic nics[2];
    if (argc != 3) {
        printf("usage: net_two_nics ... -- SERVICE-IP ADMIN-IP\n");
        return 2;
    }
    if (nic_open(&nics[0], "service", argv[1]) != 0 || nic_open(&nics[1], "admin", argv[2]) != 0)
        return 2;
    printf("net_two_nics: answering on both\n");
    int r = serve(nics, 2, answer);
    printf("net_two_nics: network error %d\n", r);
    return 1;
}
