/* bench-cpu: guest compute speed, the same loops under both backends.
 *   bench-cpu [SCALE]   (default 1: about 26 ms (int) and 8 ms (sse) per loop on a 2.6 GHz core)
 * int: a dependent multiply/xor-shift chain (ALU only, no memory).
 * sse: a float dot product over two 16 KiB arrays of explicit `float`, written with packed
 *      4-wide vectors so it is mulps/addps (SSE) whatever the optimizer decides.
 * Each loop runs 3 times after a warm-up; the best time is reported:
 *   bench: cpu=int iters=N ns=T checksum=C
 *   bench: cpu=sse flops=N ns=T checksum=C */
#include <stdio.h>
#include <stdlib.h>
#include <ukmon/guest.h>

typedef float v4sf __attribute__((vector_size(16)));

#define DOT_LEN 4096
static float a[DOT_LEN] __attribute__((aligned(16)));
static float b[DOT_LEN] __attribute__((aligned(16)));

__attribute__((noinline)) static uint64_t int_loop(uint64_t iters, uint64_t seed)
{
    uint64_t x = seed, acc = 0;
    for (uint64_t i = 0; i < iters; ++i) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        x ^= x >> 29;
        acc += x;
    }
    return acc;
}

__attribute__((noinline)) static float dot(const float *pa, const float *pb, int n)
{
    v4sf s0 = {0, 0, 0, 0}, s1 = s0, s2 = s0, s3 = s0;
    for (int i = 0; i < n; i += 16) {
        s0 += *(const v4sf *)(pa + i) * *(const v4sf *)(pb + i);
        s1 += *(const v4sf *)(pa + i + 4) * *(const v4sf *)(pb + i + 4);
        s2 += *(const v4sf *)(pa + i + 8) * *(const v4sf *)(pb + i + 8);
        s3 += *(const v4sf *)(pa + i + 12) * *(const v4sf *)(pb + i + 12);
    }
    v4sf s = (s0 + s1) + (s2 + s3);
    return s[0] + s[1] + s[2] + s[3];
}

__attribute__((noinline)) static float sse_loop(uint64_t reps)
{
    float acc = 0;
    for (uint64_t r = 0; r < reps; ++r) {
        acc += dot(a, b, DOT_LEN);
        __asm__ volatile("" ::: "memory"); /* each repetition really reads the arrays */
    }
    return acc;
}

int main(int argc, char **argv)
{
    uint64_t scale = argc > 1 ? (uint64_t)strtol(argv[1], 0, 10) : 1;
    if (scale == 0)
        scale = 1;
    uint64_t iters = 16000000 * scale, reps = 30000 * scale;
    for (int i = 0; i < DOT_LEN; ++i) {
        a[i] = (float)(i % 97) * 0.25f;
        b[i] = (float)(i % 89) * 0.5f;
    }
    uint64_t checksum = int_loop(iters / 16, 1); /* warm-up */
    uint64_t best = ~0ull;
    for (int k = 0; k < 3; ++k) {
        uint64_t t0 = uk_monotonic_ns();
        checksum += int_loop(iters, (uint64_t)k + 1);
        uint64_t t = uk_monotonic_ns() - t0;
        best = t < best ? t : best;
    }
    printf("bench: cpu=int iters=%llu ns=%llu checksum=%llu\n", (unsigned long long)iters,
           (unsigned long long)best, (unsigned long long)checksum % 1000000007ull);

    float f = sse_loop(reps / 16); /* warm-up: also the first touch of the arrays */
    best = ~0ull;
    for (int k = 0; k < 3; ++k) {
        uint64_t t0 = uk_monotonic_ns();
        f += sse_loop(reps);
        uint64_t t = uk_monotonic_ns() - t0;
        best = t < best ? t : best;
    }
    printf("bench: cpu=sse flops=%llu ns=%llu checksum=%lld\n", (unsigned long long)(reps * DOT_LEN * 2),
           (unsigned long long)best, (long long)(f / 1024.0f));
    return 0;
}
