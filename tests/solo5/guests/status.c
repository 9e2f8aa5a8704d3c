/* Exits with the status its command line names (a decimal number). */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(0)

int solo5_app_main(const char *cmdline) {
    int v = 0;
    for (const char *p = cmdline; *p >= '0' && *p <= '9'; p++) v = v * 10 + (*p - '0');
    return v;
}
