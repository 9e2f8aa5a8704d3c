/* Baseline for "hypercall round trip, seccomp": the walltime hypercall maps to
 * clock_gettime, so time N raw clock_gettime system calls (syscall(2), never the vDSO), and
 * for reference N vDSO calls, which is what the monitor's handler itself uses.
 *   clock_loop N   ->  bench: raw_clock_gettime ns_per_call=...  /  bench: vdso_clock_gettime ...
 * Also a raw getppid loop: the cheapest system call, the floor of any kernel entry. Each
 * figure is the fastest of three passes of N calls, as in examples/bench-hypercall. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static unsigned long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static void raw_clock(void)
{
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
}

static void vdso_clock(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
}

static void raw_getppid(void) { syscall(SYS_getppid); }

/* ns per call of the fastest of three passes of n calls (like the bench guests). */
static double best_of_3(void (*fn)(void), unsigned long long n)
{
    double best = 1e300;
    for (int p = 0; p < 3; ++p) {
        unsigned long long t0 = now_ns();
        for (unsigned long long i = 0; i < n; ++i)
            fn();
        double per = (double)(now_ns() - t0) / (double)n;
        best = per < best ? per : best;
    }
    return best;
}

int main(int argc, char **argv)
{
    unsigned long long n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;
    struct timespec ts;
    if (n == 0)
        n = 1;
    for (int i = 0; i < 1000; ++i) /* warm up */
        syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);

    printf("bench: raw_clock_gettime n=%llu ns_per_call=%.1f\n", n, best_of_3(raw_clock, n));
    printf("bench: vdso_clock_gettime n=%llu ns_per_call=%.1f\n", n, best_of_3(vdso_clock, n));
    printf("bench: raw_getppid n=%llu ns_per_call=%.1f\n", n, best_of_3(raw_getppid, n));
    return 0;
}
