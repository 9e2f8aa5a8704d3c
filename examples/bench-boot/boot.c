/* bench-boot: the smallest useful unikernel, for boot-to-exit time. With no arguments it
 * halts at once: under kvm that is exactly one VM exit (the halt hypercall), the same as the
 * kvm boot baseline (tools/baselines/kvm_vm.cpp boot).
 *
 * With --timeline it also reports two timeline points (docs/performance.md), both on the
 * host's CLOCK_MONOTONIC as the monitor's walltime handler reads it:
 *   bench: t_first_hypercall_ns=T1 t_last_hypercall_ns=T2
 * T1 is its first hypercall, made first thing in main ("first guest instruction");
 * T2 its last hypercall before this line's puts and the halt ("halt"). */
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

static uint64_t host_monotonic_ns(void)
{
    struct uk_hc_walltime a = {0, 0, 0};
    uk_hypercall(UK_HC_WALLTIME, &a);
    return a.monotonic_nsecs;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--timeline") != 0)
        return 0;
    uint64_t first = host_monotonic_ns();
    uint64_t last = host_monotonic_ns();
    printf("bench: t_first_hypercall_ns=%llu t_last_hypercall_ns=%llu\n", (unsigned long long)first,
           (unsigned long long)last);
    return 0;
}
