/* Baseline for the blk lines: the host streaming the same file with pread/pwrite at the
 * same block size, sequentially, page cache as it is (no O_DIRECT, no fsync in the timed
 * part) -- exactly what the blk module does for the guest -- into a page-aligned buffer, as
 * examples/bench-blk uses (a 16-byte aligned buffer makes the kernel's copy several times
 * slower on this AMD host). Like the guest, each direction runs PASSES times and the fastest
 * pass is reported.
 *   blk_host FILE BLOCK_SIZE [write|read|both] [PASSES]     (default both 3)
 *   -> bench: blk_write bs=... bytes=... ns=... mib_per_s=... passes=...   (and blk_read) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void report(const char *what, size_t bs, unsigned long long bytes, unsigned long long ns, int passes)
{
    printf("bench: %s bs=%zu bytes=%llu ns=%llu mib_per_s=%.1f passes=%d\n", what, bs, bytes, ns,
           (double)bytes / (1024.0 * 1024.0) / ((double)ns / 1e9), passes);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: blk_host FILE BLOCK_SIZE [write|read|both]\n");
        return 2;
    }
    const char *mode = argc > 3 ? argv[3] : "both";
    int passes = argc > 4 ? atoi(argv[4]) : 3;
    size_t bs = strtoull(argv[2], NULL, 0);
    int fd = open(argv[1], O_RDWR | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || bs == 0) {
        perror(argv[1]);
        return 2;
    }
    unsigned long long cap = (unsigned long long)st.st_size / bs * bs;
    char *buf = aligned_alloc(4096, (bs + 4095) / 4096 * 4096);
    if (!buf)
        return 2;
    memset(buf, 0x5A, bs);
    if (passes < 1)
        passes = 1;
    if (strcmp(mode, "read") != 0) {
        unsigned long long best = ~0ull;
        for (int p = 0; p < passes; ++p) {
            unsigned long long t0 = now_ns();
            for (unsigned long long off = 0; off < cap; off += bs)
                if (pwrite(fd, buf, bs, (off_t)off) != (ssize_t)bs) {
                    perror("pwrite");
                    return 2;
                }
            unsigned long long t = now_ns() - t0;
            best = t < best ? t : best;
        }
        report("blk_write", bs, cap, best, passes);
    }
    if (strcmp(mode, "write") != 0) {
        unsigned long long best = ~0ull;
        for (int p = 0; p < passes; ++p) {
            unsigned long long t0 = now_ns();
            for (unsigned long long off = 0; off < cap; off += bs)
                if (pread(fd, buf, bs, (off_t)off) != (ssize_t)bs) {
                    perror("pread");
                    return 2;
                }
            unsigned long long t = now_ns() - t0;
            best = t < best ? t : best;
        }
        report("blk_read", bs, cap, best, passes);
    }
    close(fd);
    return 0;
}
