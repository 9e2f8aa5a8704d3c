/* Guest start-up in C: keep the boot info, run constructors, call main, exit through newlib
 * (atexit handlers, C++ destructors, stdio flush), which halts in _exit. */
#include <stdint.h>
#include <stdlib.h>
#include <ukmon/guest.h>
#include <uk_cpu.h>

/* Every guest carries the ABI version it was built for; the monitor refuses a mismatch. */
__attribute__((section(".note.ukmon"), used, aligned(4)))
static const struct {
    uint32_t namesz, descsz, type;
    char owner[8];
    uint32_t version;
} uk_abi_note = {6, 4, UK_NOTE_ABI_VERSION, UK_NOTE_NAME, UK_ABI_VERSION};

static const struct uk_boot_info *boot_info;
static uint64_t tsc_at_boot;
static uint64_t monotonic_at_boot; /* when the host gives no tsc_hz */

int main(int argc, char **argv);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
extern void (*__fini_array_start[])(void);
extern void (*__fini_array_end[])(void);

/* C++ registers each global object's destructor with __cxa_atexit(fn, obj, &__dso_handle);
 * a static executable is its own only "shared object". */
void *__dso_handle = &__dso_handle;

const struct uk_boot_info *uk_boot_info(void) { return boot_info; }

static uint64_t host_monotonic_ns(void)
{
    struct uk_hc_walltime a = {0};
    uk_hypercall(UK_HC_WALLTIME, &a);
    return a.monotonic_nsecs;
}

uint64_t uk_monotonic_ns(void)
{
    uint64_t hz = boot_info->tsc_hz;
    if (hz == 0) /* seccomp: a hypercall is a plain function call, cheaper than calibrating */
        return host_monotonic_ns() - monotonic_at_boot;
    uint64_t ticks = uk_cpu_counter() - tsc_at_boot;
    /* split to avoid overflowing ticks * 1e9 */
    return (ticks / hz) * 1000000000ull + (ticks % hz) * 1000000000ull / hz;
}

/* __attribute__((destructor)) functions, in reverse order, after every atexit handler. */
static void run_fini_array(void)
{
    for (void (**dtor)(void) = __fini_array_end; dtor != __fini_array_start;)
        (*--dtor)();
}

__attribute__((noreturn)) void uk_start_c(const struct uk_boot_info *bi)
{
    boot_info = bi;
    tsc_at_boot = uk_cpu_counter();
    if (bi->tsc_hz == 0)
        monotonic_at_boot = host_monotonic_ns();
    atexit(run_fini_array); /* first registered, so it runs last */
    for (void (**ctor)(void) = __init_array_start; ctor != __init_array_end; ++ctor)
        (*ctor)();
    exit(main((int)bi->argc, (char **)(uintptr_t)bi->argv));
}
