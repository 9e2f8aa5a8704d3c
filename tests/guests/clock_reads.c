/* clock_reads: reads the wall clock N times (argv[1], default 10000) through clock_gettime,
 * as any guest does, checks it never goes back by more than the host's own clock could, and
 * then compares one last reading with the host's answer to the walltime hypercall itself.
 * Prints "clock base 1" when the boot info carries a (TSC, wall clock) pair, the last reading
 * and the hypercall's (ns since the epoch), so a test can count the exits --stats reports
 * (kvm with a clock base: exactly the one comparison call) and bound the difference. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ukmon/guest.h>

static uint64_t ns_of(const struct timespec *t) { return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec; }

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], 0, 10) : 10000;
    const struct uk_boot_info *bi = uk_boot_info();
    printf("clock base %d\n", bi->tsc_hz != 0 && bi->clock_wall_ns != 0);
    struct timespec t;
    uint64_t last = 0;
    for (long i = 0; i < n; ++i) {
        clock_gettime(CLOCK_REALTIME, &t);
        if (ns_of(&t) + 1000000 < last) { /* a step back of more than 1 ms */
            printf("went back by %" PRIu64 " ns at read %ld\n", last - ns_of(&t), i);
            return 1;
        }
        last = ns_of(&t);
    }
    clock_gettime(CLOCK_REALTIME, &t);
    struct uk_hc_walltime w = {0};
    uk_hypercall(UK_HC_WALLTIME, &w);
    printf("guest %" PRIu64 "\nhost %" PRIu64 "\n", ns_of(&t), w.nsecs);
    return 0;
}
