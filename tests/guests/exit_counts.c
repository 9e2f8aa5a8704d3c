/* exit_counts: exactly 5 walltime hypercalls and N puts hypercalls (N = argv[1], default 3;
 * each puts writes "line\n", 5 bytes), then halts with status 4 and the cookie bytes
 * 00 01 fe ff 'o' 'k'. It says first (in one puts, counted in N) whether the guest library
 * itself makes a walltime call at boot (it does when the host gives no TSC frequency), so
 * a test can expect the exact walltime count. --stats must report all of it. */
#include <stdint.h>
#include <stdlib.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], 0, 10) : 3;
    if (n < 1)
        n = 1;
    uk_puts(uk_boot_info()->tsc_hz == 0 ? "boot walltime 1\n" : "boot walltime 0\n", 16);
    for (long i = 1; i < n; ++i)
        uk_puts("line\n", 5);
    uint64_t sum = 0;
    for (int i = 0; i < 5; ++i) { /* the hypercall itself: uk_walltime_ns may need no exit */
        struct uk_hc_walltime w = {0};
        uk_hypercall(UK_HC_WALLTIME, &w);
        sum += w.nsecs & 1;
    }
    (void)sum;
    static const unsigned char cookie[] = {0x00, 0x01, 0xfe, 0xff, 'o', 'k'};
    uk_halt(4, cookie, sizeof cookie);
}
