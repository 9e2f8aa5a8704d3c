/* entropy: the random hypercall and what the runtime builds on it.
 *   entropy bytes     prints 16 getentropy blocks of 32 bytes in hex, one a line, and
 *                     checks within the run that no block repeats; arc4random and a
 *                     getentropy-seeded rand work
 *   entropy hostile   bad buffers and lengths get an error return, never monitor bytes
 *   entropy raw FLAGS LEN   calls getrandom(2) itself (seccomp: the filter decides) */
#define _DEFAULT_SOURCE /* getentropy, arc4random: BSD functions, as on glibc */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ukmon/guest.h>

#include "test_cpu.h"

#define BLOCKS 16
#define BLOCK 32

static int failures;

static void expect(int ok, const char *what)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

static int bytes(void)
{
    static unsigned char seen[BLOCKS][BLOCK];
    for (int i = 0; i < BLOCKS; ++i) {
        if (getentropy(seen[i], BLOCK) != 0) {
            printf("getentropy failed: errno %d\n", errno);
            return 1;
        }
        printf("block ");
        for (int j = 0; j < BLOCK; ++j)
            printf("%02x", seen[i][j]);
        printf("\n");
    }
    int repeats = 0;
    for (int i = 0; i < BLOCKS; ++i)
        for (int j = i + 1; j < BLOCKS; ++j)
            repeats += memcmp(seen[i], seen[j], BLOCK) == 0;
    expect(repeats == 0, "no block repeats within the run");
    uint32_t a = arc4random(), b = arc4random();
    printf("arc4random %08x %08x\n", (unsigned)a, (unsigned)b);
    expect(arc4random_uniform(6) < 6, "arc4random_uniform stays in range");
    unsigned seed;
    expect(getentropy(&seed, sizeof seed) == 0, "a rand seed from getentropy");
    srand(seed);
    printf("rand %d\n", rand());
    return failures;
}

static int hostile(void)
{
    static unsigned char buf[UK_RANDOM_MAX + 1];
    uint64_t mem = uk_boot_info()->mem_size;
    struct uk_hc_random a;
    memset(buf, 0, sizeof buf);
    expect(uk_random(buf, UK_RANDOM_MAX + 1) == UK_EINVAL, "257 bytes: EINVAL");
    expect(buf[0] == 0 && buf[UK_RANDOM_MAX] == 0, "257 bytes: buffer untouched");
    expect(uk_random(buf, 0) == UK_OK, "0 bytes: OK");
    expect(uk_random((void *)(uintptr_t)(mem - 8), 16) == UK_EFAULT, "straddling the end of memory: EFAULT");
    expect(uk_random((void *)(uintptr_t)0xFFFFFFFFFFFFFFF0ull, 32) == UK_EFAULT, "near UINT64_MAX: EFAULT");
    expect(uk_random((void *)(uintptr_t)0x1000, 16) == UK_EFAULT, "the monitor's area: EFAULT");
    expect(uk_random((void *)(uintptr_t)&hostile, 16) == UK_EFAULT, "into the guest's own code: EFAULT");
    a.ret = -1;
    a.data = (uint64_t)(uintptr_t)buf;
    a.len = UINT64_MAX;
    uk_hypercall(UK_HC_RANDOM, &a);
    expect(a.ret == UK_EINVAL, "length 2^64-1: EINVAL");
    errno = 0;
    expect(getentropy(buf, UK_RANDOM_MAX + 1) == -1 && errno == EIO, "getentropy of 257 bytes: EIO");
    expect(getentropy(buf, UK_RANDOM_MAX) == 0, "getentropy of 256 bytes: OK");
    return failures;
}

static long raw_getrandom(void *buf, long len, long flags)
{
    return raw_syscall(TEST_NR_getrandom, (long)buf, len, flags, 0, 0, 0);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "bytes") == 0)
        return bytes();
    if (argc >= 2 && strcmp(argv[1], "hostile") == 0)
        return hostile();
    if (argc >= 4 && strcmp(argv[1], "raw") == 0) {
        static unsigned char buf[8192];
        long len = atol(argv[3]);
        printf("raw getrandom flags %s len %ld\n", argv[2], len);
        long got = raw_getrandom(buf, len, atol(argv[2]));
        printf("returned %ld\n", got);
        return 0;
    }
    printf("usage: entropy bytes|hostile|raw FLAGS LEN\n");
    return 2;
}
