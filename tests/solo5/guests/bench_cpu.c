/* Benchmark: an integer loop of N iterations (its command line, default 1000000), timed
 * with the guest's own monotonic clock: what CPL0 costs an hvt guest on a host that emulates
 * it (compare ukmon-run with and without --kvm-no-vif on a PVM host). */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

int solo5_app_main(const char *cmdline) {
    uint64_t n = 0;
    for (const char *p = cmdline; *p >= '0' && *p <= '9'; p++) n = n * 10 + (uint64_t)(*p - '0');
    if (n == 0) n = 1000000;
    uint64_t t0 = solo5_clock_monotonic();
    volatile uint64_t x = 1;
    for (uint64_t i = 0; i < n; i++) x = x * 6364136223846793005ull + 1442695040888963407ull;
    uint64_t t1 = solo5_clock_monotonic();
    solo5_puts("cpu: ");
    t_print_u64(n);
    solo5_puts(" iterations, ");
    t_print_u64((t1 - t0) / 1000);
    solo5_puts(" us\n");
    return 0;
}
