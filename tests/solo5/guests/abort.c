/* solo5_abort: the process ends with 255. */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

int solo5_app_main(const char *cmdline) {
    (void)cmdline;
    solo5_puts("aborting\n");
    solo5_abort();
}
