/* Benchmark: N (its command line, default 10000) wall-clock reads through the Solo5 ABI
 * (spt: a clock_gettime system call; hvt: the walltime hypercall, one VM exit; spt under kvm:
 * a SYSCALL served by the monitor). Prints "walltime: N calls, X ns/call". */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

int solo5_app_main(const char *cmdline) {
    uint64_t n = 0;
    for (const char *p = cmdline; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint64_t)(*p - '0');
    if (n == 0) n = 10000;
    uint64_t t0 = solo5_clock_monotonic(), sink = 0;
    for (uint64_t i = 0; i < n; i++) sink += solo5_clock_wall();
    uint64_t t1 = solo5_clock_monotonic();
    solo5_puts("walltime: ");
    t_print_u64(n);
    solo5_puts(" calls, ");
    t_print_u64((t1 - t0) / n);
    solo5_puts(sink ? " ns/call\n" : " ns/call (no time?)\n");
    return 0;
}
