/* bench-net: blasts frames into the NIC "service" with the batch call uk_netwritev.
 *   bench-net --net:service=TAP -- [FRAME_SIZE] [FRAMES] [BATCH] [PASSES]
 *                                            (default 64 100000 256 3)
 * FRAME_SIZE includes the 14-byte Ethernet header (60..mtu+14); BATCH 1 uses the single-frame
 * uk_netwrite instead. Each pass writes FRAMES frames; the fastest pass is reported (other
 * load only slows a pass down). The frames are the ones tools/baselines/tap_host.c writes:
 * unicast to a MAC nobody has, ethertype 0x88B5 (local experimental), so the host stack
 * drops them at once.
 *   bench: net_write size=S frames=N batch=B ns=T fps=F passes=P */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_NET(service);

static unsigned char frame[65536] __attribute__((aligned(4096))); /* like tap_host's */
static struct uk_net_frame vec[UK_NET_BATCH_MAX];

int main(int argc, char **argv)
{
    uint64_t size = argc > 1 ? (uint64_t)strtol(argv[1], 0, 0) : 64;
    uint64_t n = argc > 2 ? (uint64_t)strtol(argv[2], 0, 0) : 100000;
    uint64_t batch = argc > 3 ? (uint64_t)strtol(argv[3], 0, 0) : UK_NET_BATCH_MAX;
    uint64_t passes = argc > 4 ? (uint64_t)strtol(argv[4], 0, 0) : 3;
    int64_t h = uk_device_handle(UK_DEV_NET, "service");
    struct uk_hc_netinfo info;
    if (h < 0 || uk_netinfo((uint64_t)h, &info) != UK_OK) {
        printf("bench-net: no net device 'service'\n");
        return 2;
    }
    if (size < 60 || size > info.mtu + 14 || size > sizeof frame || batch < 1 || batch > UK_NET_BATCH_MAX) {
        printf("bench-net: frame size must be 60..%llu, batch 1..%u\n", (unsigned long long)(info.mtu + 14),
               UK_NET_BATCH_MAX);
        return 2;
    }
    static const unsigned char dst[6] = {0x02, 0x00, 0x00, 0xbe, 0x4c, 0x01};
    memcpy(frame, dst, 6);
    memcpy(frame + 6, info.mac, 6);
    frame[12] = 0x88, frame[13] = 0xb5;
    for (uint64_t i = 14; i < size; ++i)
        frame[i] = (unsigned char)i;
    for (uint64_t i = 0; i < UK_NET_BATCH_MAX; ++i) {
        vec[i].data = (uint64_t)(uintptr_t)frame;
        vec[i].len = size;
    }
    size_t done = 0;
    uk_netwritev((uint64_t)h, vec, 64, &done); /* warm up */

    uint64_t best = ~0ull;
    for (uint64_t p = 0; p < (passes ? passes : 1); ++p) {
        uint64_t sent = 0;
        uint64_t t0 = uk_monotonic_ns();
        while (sent < n) {
            uint64_t want = n - sent < batch ? n - sent : batch;
            int r;
            if (batch == 1) {
                r = uk_netwrite((uint64_t)h, frame, size);
                done = r == UK_OK;
            } else {
                r = uk_netwritev((uint64_t)h, vec, want, &done);
            }
            if (r != UK_OK && r != UK_EAGAIN) {
                printf("bench-net: write failed with status %d after %llu frames\n", r, (unsigned long long)sent);
                return 3;
            }
            sent += done;
        }
        uint64_t t = uk_monotonic_ns() - t0;
        best = t < best ? t : best;
    }
    printf("bench: net_write size=%llu frames=%llu batch=%llu ns=%llu fps=%llu passes=%llu\n",
           (unsigned long long)size, (unsigned long long)n, (unsigned long long)batch, (unsigned long long)best,
           (unsigned long long)(best ? n * 1000000000ull / best : 0), (unsigned long long)(passes ? passes : 1));
    return 0;
}
