/* uknet_init's argument parsing: --ip, --mask, --gw taken out of argv, checked strictly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A dotted quad with each part 0..255 and nothing after it; 0 or -1. */
static int parse_quad(const char *s, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
        unsigned part = 0, digits = 0;
        while (*s >= '0' && *s <= '9' && digits < 4) {
            part = part * 10 + (unsigned)(*s++ - '0');
            ++digits;
        }
        if (digits == 0 || digits > 3 || part > 255)
            return -1;
        v = v << 8 | part;
        if (i < 3 && *s++ != '.')
            return -1;
    }
    if (*s)
        return -1;
    *out = v;
    return 0;
}

static int bad(const char *what, const char *value, const char *expected)
{
    printf("uknet: bad %s '%s': expected %s\n", what, value, expected);
    return -1;
}

int uknet_parse_config(int *argc, char ***argvp, struct uknet_config *c)
{
    const char *ip = NULL, *mask = NULL, *gw = NULL;
    int kept = 1;
    /* The boot area's argv is read-only: the application gets a copy without our options. */
    char **argv = malloc(((size_t)*argc + 1) * sizeof *argv);
    if (!argv) {
        printf("uknet: out of memory\n");
        return -1;
    }
    argv[0] = (*argvp)[0];
    for (int i = 1; i < *argc; ++i) {
        const char *a = (*argvp)[i];
        if (!strncmp(a, "--ip=", 5))
            ip = a + 5;
        else if (!strncmp(a, "--mask=", 7))
            mask = a + 7;
        else if (!strncmp(a, "--gw=", 5))
            gw = a + 5;
        else
            argv[kept++] = (*argvp)[i];
    }
    *argc = kept;
    *argvp = argv;
    argv[kept] = NULL;
    memset(c, 0, sizeof *c);
    if (!ip) {
        printf("uknet: no address: pass --ip=A.B.C.D/PREFIX to the guest (after --)\n");
        return -1;
    }
    char addr[16];
    const char *slash = strchr(ip, '/');
    size_t alen = slash ? (size_t)(slash - ip) : strlen(ip);
    if (alen >= sizeof addr)
        return bad("--ip", ip, "an IPv4 address like 10.0.0.2/24");
    memcpy(addr, ip, alen);
    addr[alen] = 0;
    if (parse_quad(addr, &c->ip) != 0 || c->ip == 0)
        return bad("--ip", ip, "an IPv4 address like 10.0.0.2/24");
    if (slash && mask) {
        printf("uknet: --ip has a prefix and --mask is given too: pass one of them\n");
        return -1;
    }
    if (slash) {
        char *end;
        unsigned long prefix = strtoul(slash + 1, &end, 10);
        if (!slash[1] || *end || prefix < 1 || prefix > 32)
            return bad("--ip prefix", slash + 1, "a number 1..32");
        c->mask = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
    } else if (mask) {
        if (parse_quad(mask, &c->mask) != 0 || c->mask == 0 || (~c->mask & (~c->mask + 1)) != 0)
            return bad("--mask", mask, "a netmask like 255.255.255.0");
    } else {
        c->mask = 0xffffff00u; /* a /24 when nothing says otherwise */
    }
    if (gw) {
        if (parse_quad(gw, &c->gw) != 0 || c->gw == 0)
            return bad("--gw", gw, "an IPv4 address like 10.0.0.1");
        if ((c->gw & c->mask) != (c->ip & c->mask)) {
            printf("uknet: gateway %s is not on the network of %s\n", gw, ip);
            return -1;
        }
    }
    return 0;
}
