/* Guest start-up in C: keep the boot info, run constructors, call main, exit through newlib
 * (atexit handlers, C++ destructors, stdio flush), which halts in _exit. */
#include <stdint.h>
#include <stdlib.h>
#include <ukmon/guest.h>

/* Every guest carries the ABI version it was built for; the monitor refuses a mismatch. */
__attribute__((section(".note.ukmon"), used, aligned(4)))
static const struct {
    uint32_t namesz, descsz, type;
    char owner[8];
    uint32_t version;
} uk_abi_note = {6, 4, UK_NOTE_ABI_VERSION, UK_NOTE_NAME, UK_ABI_VERSION};

static const struct uk_boot_info *boot_info;

void uk_clock_init(const struct uk_boot_info *bi); /* clock.c */

int main(int argc, char **argv);
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);
extern void (*__fini_array_start[])(void);
extern void (*__fini_array_end[])(void);

/* C++ registers each global object's destructor with __cxa_atexit(fn, obj, &__dso_handle);
 * a static executable is its own only "shared object". */
void *__dso_handle = &__dso_handle;

const struct uk_boot_info *uk_boot_info(void) { return boot_info; }

/* __attribute__((destructor)) functions, in reverse order, after every atexit handler. */
static void run_fini_array(void)
{
    for (void (**dtor)(void) = __fini_array_end; dtor != __fini_array_start;)
        (*--dtor)();
}

__attribute__((noreturn)) void uk_start_c(const struct uk_boot_info *bi)
{
    boot_info = bi;
    uk_clock_init(bi);
    atexit(run_fini_array); /* first registered, so it runs last */
    for (void (**ctor)(void) = __init_array_start; ctor != __init_array_end; ++ctor)
        (*ctor)();
    exit(main((int)bi->argc, (char **)(uintptr_t)bi->argv));
}
