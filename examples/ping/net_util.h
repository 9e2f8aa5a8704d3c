/* Tiny Ethernet/ARP/IPv4 toolkit for guests that answer on a NIC: header-only, because a
 * guest links only its own directory's files. Used by examples/ping, examples/udp-echo and
 * tests/guests/net_two_nics.c. Frames are byte arrays; fields are big-endian on the wire. */
#ifndef UKMON_EXAMPLE_NET_UTIL_H
#define UKMON_EXAMPLE_NET_UTIL_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#define ETH_HLEN 14u
#define ETHERTYPE_IPV4 0x0800u
#define ETHERTYPE_ARP 0x0806u
#define ARP_FRAME_LEN 42u /* Ethernet header + ARP for IPv4 over Ethernet */

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

/* The Internet checksum (RFC 1071): add bytes into a running sum, then fold and invert. */
static inline uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
    for (; len > 1; p += 2, len -= 2)
        sum += get16(p);
    if (len)
        sum += (uint32_t)p[0] << 8;
    return sum;
}
static inline uint16_t csum_fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* A dotted quad "10.0.0.2" into out[4]; 0 on success, -1 if malformed. */
static inline int parse_ipv4(const char *s, uint8_t out[4])
{
    for (int i = 0; i < 4; ++i) {
        unsigned v = 0, digits = 0;
        for (; *s >= '0' && *s <= '9' && digits < 3; ++s, ++digits)
            v = v * 10 + (unsigned)(*s - '0');
        if (digits == 0 || v > 255 || *s != (i < 3 ? '.' : '\0'))
            return -1;
        out[i] = (uint8_t)v;
        s += i < 3;
    }
    return 0;
}

/* One NIC the guest answers on. */
struct nic {
    uint64_t handle;
    uint8_t mac[6];
    uint8_t ip[4];
    size_t frame_max; /* mtu + ETH_HLEN */
};

/* Looks up the declared device `name`, gives it the address `ip_text`, says so on the
 * console. 0, or -1 after printing why. */
static inline int nic_open(struct nic *n, const char *name, const char *ip_text)
{
    struct uk_hc_netinfo info;
    int64_t h = uk_device_handle(UK_DEV_NET, name);
    if (h < 0 || uk_netinfo((uint64_t)h, &info) != UK_OK) {
        printf("%s: no such net device\n", name);
        return -1;
    }
    if (parse_ipv4(ip_text, n->ip) != 0) {
        printf("%s: bad IPv4 address '%s'\n", name, ip_text);
        return -1;
    }
    n->handle = (uint64_t)h;
    memcpy(n->mac, info.mac, sizeof n->mac);
    n->frame_max = info.mtu + ETH_HLEN;
    printf("%s: mac %02x:%02x:%02x:%02x:%02x:%02x mtu %llu ip %s\n", name, n->mac[0], n->mac[1], n->mac[2],
           n->mac[3], n->mac[4], n->mac[5], (unsigned long long)info.mtu, ip_text);
    return 0;
}

/* A reply to an ARP request for our address, built in `out`: its length, or 0. */
static inline size_t arp_answer(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out)
{
    const uint8_t *a = f + ETH_HLEN;
    if (len < ARP_FRAME_LEN || get16(f + 12) != ETHERTYPE_ARP || get16(a) != 1 || get16(a + 2) != ETHERTYPE_IPV4 ||
        a[4] != 6 || a[5] != 4 || get16(a + 6) != 1 || memcmp(a + 24, n->ip, 4) != 0)
        return 0;
    uint8_t *r = out + ETH_HLEN;
    memcpy(out, a + 8, 6); /* to the asker's MAC */
    memcpy(out + 6, n->mac, 6);
    put16(out + 12, ETHERTYPE_ARP);
    memcpy(r, a, 6); /* hardware and protocol types and sizes, as asked */
    put16(r + 6, 2);  /* reply */
    memcpy(r + 8, n->mac, 6);
    memcpy(r + 14, n->ip, 4);
    memcpy(r + 18, a + 8, 10); /* the asker's MAC and IP */
    return ARP_FRAME_LEN;
}

/* An unfragmented IPv4 packet of protocol `proto` for our address with a sane header: its
 * header length (the payload follows), or 0. */
static inline size_t ipv4_for_us(const struct nic *n, const uint8_t *f, size_t len, uint8_t proto)
{
    const uint8_t *ip = f + ETH_HLEN;
    if (len < ETH_HLEN + 20 || get16(f + 12) != ETHERTYPE_IPV4)
        return 0;
    size_t ihl = (ip[0] & 15u) * 4u, total = get16(ip + 2);
    if (ip[0] >> 4 != 4 || ihl < 20 || total < ihl || total > len - ETH_HLEN || (get16(ip + 6) & 0x3fff) != 0 ||
        ip[9] != proto || memcmp(ip + 16, n->ip, 4) != 0 || csum_fold(csum_add(0, ip, ihl)) != 0)
        return 0;
    return ihl;
}

/* Copies IPv4 frame `f` into `out` as a reply: Ethernet and IP addresses swapped, TTL 64,
 * a fresh header checksum, the payload unchanged. Returns the reply's length. */
static inline size_t ipv4_reply(const struct nic *n, const uint8_t *f, uint8_t *out)
{
    uint8_t *ip = out + ETH_HLEN;
    size_t ihl = (f[ETH_HLEN] & 15u) * 4u, total = get16(f + ETH_HLEN + 2);
    memcpy(out, f + 6, 6);
    memcpy(out + 6, n->mac, 6);
    put16(out + 12, ETHERTYPE_IPV4);
    memcpy(ip, f + ETH_HLEN, total); /* drops any Ethernet padding */
    memcpy(ip + 16, ip + 12, 4);
    memcpy(ip + 12, n->ip, 4);
    ip[8] = 64;
    put16(ip + 10, 0);
    put16(ip + 10, csum_fold(csum_add(0, ip, ihl)));
    return ETH_HLEN + total;
}

/* An ICMP echo reply to an echo request for us: its length, or 0. */
static inline size_t icmp_echo_answer(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out)
{
    size_t ihl = ipv4_for_us(n, f, len, 1);
    if (!ihl)
        return 0;
    size_t icmp_len = get16(f + ETH_HLEN + 2) - ihl;
    const uint8_t *icmp = f + ETH_HLEN + ihl;
    if (icmp_len < 8 || icmp[0] != 8 || icmp[1] != 0)
        return 0;
    size_t reply_len = ipv4_reply(n, f, out);
    uint8_t *r = out + ETH_HLEN + ihl;
    r[0] = 0; /* echo reply */
    put16(r + 2, 0);
    put16(r + 2, csum_fold(csum_add(0, r, icmp_len)));
    return reply_len;
}

/* Builds in `out` the answer to frame `f` (length `len`) received on `n`: its length, or 0. */
typedef size_t (*answer_fn)(const struct nic *n, const uint8_t *f, size_t len, uint8_t *out);

#define SERVE_BATCH 32u

/* Answers every NIC forever: poll; for each ready NIC, read a batch of frames with ONE
 * netreadv, answer them, and send the answers with ONE netwritev (under kvm each hypercall is
 * a VM exit). Returns only on a host error, with its status. */
static inline int serve(const struct nic *nics, size_t count, answer_fn answer)
{
    static struct uk_net_frame rx[SERVE_BATCH], tx[SERVE_BATCH];
    size_t frame_max = 0;
    for (size_t k = 0; k < count; ++k)
        frame_max = nics[k].frame_max > frame_max ? nics[k].frame_max : frame_max;
    uint8_t *bufs = malloc(2 * SERVE_BATCH * frame_max);
    if (!bufs)
        return UK_EIO;
    for (;;) {
        uint64_t ready = 0;
        int r = uk_poll(1000000000ull, &ready);
        if (r != UK_OK)
            return r;
        for (size_t k = 0; k < count; ++k) {
            const struct nic *n = &nics[k];
            r = (ready >> n->handle) & 1 ? UK_OK : UK_EAGAIN;
            while (r != UK_EAGAIN) { /* until the NIC runs dry */
                size_t got = 0, sent = 0, answers = 0;
                for (size_t i = 0; i < SERVE_BATCH; ++i)
                    rx[i] = (struct uk_net_frame){(uint64_t)(uintptr_t)(bufs + i * frame_max), n->frame_max, 0};
                r = uk_netreadv(n->handle, rx, SERVE_BATCH, &got);
                if (r != UK_OK && r != UK_EAGAIN && r != UK_EINVAL) /* EINVAL: a too-long frame, dropped */
                    return r;
                for (size_t i = 0; i < got; ++i) {
                    uint8_t *out = bufs + (SERVE_BATCH + answers) * frame_max;
                    size_t len = answer(n, (const uint8_t *)(uintptr_t)rx[i].data, rx[i].done_len, out);
                    if (len)
                        tx[answers++] = (struct uk_net_frame){(uint64_t)(uintptr_t)out, len, 0};
                }
                if (answers && uk_netwritev(n->handle, tx, answers, &sent) == UK_EIO)
                    return UK_EIO;
            }
        }
    }
}

#endif
