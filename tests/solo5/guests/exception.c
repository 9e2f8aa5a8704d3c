/* A CPU exception in the guest (an invalid opcode in a function of its own): spt dies by
 * SIGILL, hvt's own IDT handler aborts with its trap frame; both diagnosed, exit 255. */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

__attribute__((noinline)) void crash_here(void) { __asm__ volatile("ud2"); }

int solo5_app_main(const char *cmdline) {
    (void)cmdline;
    solo5_puts("about to fault\n");
    crash_here();
    return 0;
}
