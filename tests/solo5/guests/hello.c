/* Prints a greeting and its command line, exits 0. */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

int solo5_app_main(const char *cmdline) {
    solo5_puts("Hello, World\nCommand line is: '");
    solo5_puts(cmdline);
    solo5_puts("'\n");
    return SOLO5_EXIT_SUCCESS;
}
