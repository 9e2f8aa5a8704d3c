/* Both clocks advance across a 10 ms wait; the wall clock is after 2020. Exits 0 or 1. */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

int solo5_app_main(const char *cmdline) {
    (void)cmdline;
    uint64_t w0 = solo5_clock_wall(), m0 = solo5_clock_monotonic();
    solo5_yield(m0 + 10000000ull);
    uint64_t w1 = solo5_clock_wall(), m1 = solo5_clock_monotonic();
    int ok = w0 > 1577836800ull * 1000000000ull && m1 - m0 >= 10000000ull && w1 > w0;
    solo5_puts(ok ? "time: ok, waited " : "time: FAILED, waited ");
    t_print_u64((m1 - m0) / 1000000ull);
    solo5_puts(" ms\n");
    return ok ? SOLO5_EXIT_SUCCESS : SOLO5_EXIT_FAILURE;
}
