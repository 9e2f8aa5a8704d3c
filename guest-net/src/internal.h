/* Shared inside guest-net only. */
#ifndef UKNET_INTERNAL_H
#define UKNET_INTERNAL_H
#include <stdint.h>
#include <ukmon/net.h>

struct uknet_config {
    uint32_t ip, mask, gw; /* host byte order; gw 0 when none */
};

/* Takes --ip/--mask/--gw out of the arguments: *argvp becomes a copy without them. */
int uknet_parse_config(int *argc, char ***argvp, struct uknet_config *c);

#endif
