/* bench-blk: sequential streaming over the blk device "storage", the whole device, at a
 * block size given in argv (bytes, a multiple of the sector size).
 *   bench-blk --block:storage=FILE -- [BLOCK_SIZE] [write|read|both] [PASSES]
 *                                        (default 65536 both 3)
 * Writes the device front to back PASSES times, then reads it back PASSES times, one request
 * per block, timing each pass with uk_monotonic_ns and reporting the fastest pass (other load
 * on the machine only ever slows a pass down). The flush at exit is outside the timing, as
 * for the host baseline tools/baselines/blk_host.c, which prints the same lines:
 *   bench: blk_write bs=B bytes=N ns=T mib_per_s=X passes=P
 *   bench: blk_read bs=B bytes=N ns=T mib_per_s=X passes=P */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_BLK(storage);

static void report(const char *what, uint64_t bs, uint64_t bytes, uint64_t ns, uint64_t passes)
{
    /* MiB/s with one decimal, in integers: 10 * bytes * 1e9 / ns / 2^20 */
    uint64_t tenths = ns ? ((bytes >> 10) * 10000000000ull / ns) >> 10 : 0;
    printf("bench: %s bs=%llu bytes=%llu ns=%llu mib_per_s=%llu.%llu passes=%llu\n", what,
           (unsigned long long)bs, (unsigned long long)bytes, (unsigned long long)ns,
           (unsigned long long)(tenths / 10), (unsigned long long)(tenths % 10), (unsigned long long)passes);
}

int main(int argc, char **argv)
{
    uint64_t bs = argc > 1 ? (uint64_t)strtol(argv[1], 0, 0) : 65536;
    const char *mode = argc > 2 ? argv[2] : "both";
    uint64_t passes = argc > 3 ? (uint64_t)strtol(argv[3], 0, 0) : 3;
    int64_t h = uk_device_handle(UK_DEV_BLK, "storage");
    struct uk_hc_blkinfo info;
    if (h < 0 || uk_blkinfo((uint64_t)h, &info) != UK_OK) {
        printf("bench-blk: no blk device 'storage'\n");
        return 2;
    }
    if (bs == 0 || bs % info.sector_size != 0 || bs > info.capacity) {
        printf("bench-blk: block size %llu must be a multiple of %llu and at most %llu\n", (unsigned long long)bs,
               (unsigned long long)info.sector_size, (unsigned long long)info.capacity);
        return 2;
    }
    /* Page-aligned, like the host baseline's buffer: the kernel's copy to and from user
     * memory is much slower into a buffer that is only 16-byte aligned (what malloc gives). */
    char *raw = malloc(bs + 4096);
    if (!raw) {
        printf("bench-blk: no memory for a %llu-byte buffer (raise --mem)\n", (unsigned long long)bs);
        return 2;
    }
    char *buf = (char *)(((uintptr_t)raw + 4095) & ~(uintptr_t)4095);
    memset(buf, 0x5A, bs); /* first touch outside the timing */
    uint64_t cap = info.capacity / bs * bs;
    if (passes == 0)
        passes = 1;
    if (strcmp(mode, "read") != 0) {
        uint64_t best = ~0ull;
        for (uint64_t p = 0; p < passes; ++p) {
            uint64_t t0 = uk_monotonic_ns();
            for (uint64_t off = 0; off < cap; off += bs)
                if (uk_blkwrite((uint64_t)h, off, buf, bs) != UK_OK) {
                    printf("bench-blk: write at %llu failed\n", (unsigned long long)off);
                    return 3;
                }
            uint64_t t = uk_monotonic_ns() - t0;
            best = t < best ? t : best;
        }
        report("blk_write", bs, cap, best, passes);
    }
    if (strcmp(mode, "write") != 0) {
        uint64_t best = ~0ull;
        for (uint64_t p = 0; p < passes; ++p) {
            uint64_t t0 = uk_monotonic_ns();
            for (uint64_t off = 0; off < cap; off += bs)
                if (uk_blkread((uint64_t)h, off, buf, bs) != UK_OK) {
                    printf("bench-blk: read at %llu failed\n", (unsigned long long)off);
                    return 3;
                }
            uint64_t t = uk_monotonic_ns() - t0;
            best = t < best ? t : best;
        }
        report("blk_read", bs, cap, best, passes);
    }
    return 0;
}
