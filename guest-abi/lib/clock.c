/* The guest's clocks. Under kvm the boot info gives the cycle counter's frequency (tsc_hz;
 * uk_cpu_counter: the TSC on x86_64, CNTVCT_EL0 on aarch64) and a (counter, wall clock)
 * pair the monitor read at one instant: both clocks are then read without an exit. Without
 * them (seccomp, where a hypercall is a plain function call) the walltime call answers. */
#include <stdint.h>
#include <ukmon/guest.h>
#include <uk_cpu.h>

/* The counter's frequency may be rounded (x86_64: KVM gives the TSC's in kHz, up to about
 * 0.5 ppm off), and NTP may slew the host's clock: the derived wall clock is re-based on
 * the host's answer once a minute, one exit a minute at most. */
#define REBASE_AFTER_NS (60ull * 1000000000ull)

static uint64_t tsc_at_boot;
static uint64_t monotonic_at_boot; /* without tsc_hz */
static uint64_t base_tsc, base_wall_ns;

static uint64_t ticks_to_ns(uint64_t ticks, uint64_t hz)
{
    /* split to avoid overflowing ticks * 1e9 */
    return (ticks / hz) * 1000000000ull + (ticks % hz) * 1000000000ull / hz;
}

static void host_clocks(struct uk_hc_walltime *a)
{
    a->ret = 0;
    uk_hypercall(UK_HC_WALLTIME, a);
}

void uk_clock_init(const struct uk_boot_info *bi)
{
    tsc_at_boot = uk_cpu_counter();
    base_tsc = bi->clock_tsc;
    base_wall_ns = bi->clock_wall_ns;
    if (bi->tsc_hz == 0) {
        struct uk_hc_walltime a = {0};
        host_clocks(&a);
        monotonic_at_boot = a.monotonic_nsecs;
    }
}

uint64_t uk_monotonic_ns(void)
{
    uint64_t hz = uk_boot_info()->tsc_hz;
    if (hz == 0) {
        struct uk_hc_walltime a = {0};
        host_clocks(&a);
        return a.monotonic_nsecs - monotonic_at_boot;
    }
    return ticks_to_ns(uk_cpu_counter() - tsc_at_boot, hz);
}

uint64_t uk_walltime_ns(void)
{
    uint64_t hz = uk_boot_info()->tsc_hz;
    if (hz != 0 && base_wall_ns != 0) {
        uint64_t since = ticks_to_ns(uk_cpu_counter() - base_tsc, hz);
        if (since < REBASE_AFTER_NS)
            return base_wall_ns + since;
    }
    struct uk_hc_walltime a = {0};
    uint64_t before = hz ? uk_cpu_counter() : 0;
    host_clocks(&a);
    if (hz != 0 && base_wall_ns != 0) { /* re-base on the midpoint of the exit */
        base_tsc = before + (uk_cpu_counter() - before) / 2;
        base_wall_ns = a.nsecs;
    }
    return a.nsecs;
}
