/* A manifest of 63 block devices (the most Solo5 allows: all must attach). Generated list. */
#include "solo5_guest.h"

SOLO5_TEST_MANIFEST(63,
    SOLO5_BLOCK("d1"),
    SOLO5_BLOCK("d2"),
    SOLO5_BLOCK("d3"),
    SOLO5_BLOCK("d4"),
    SOLO5_BLOCK("d5"),
    SOLO5_BLOCK("d6"),
    SOLO5_BLOCK("d7"),
    SOLO5_BLOCK("d8"),
    SOLO5_BLOCK("d9"),
    SOLO5_BLOCK("d10"),
    SOLO5_BLOCK("d11"),
    SOLO5_BLOCK("d12"),
    SOLO5_BLOCK("d13"),
    SOLO5_BLOCK("d14"),
    SOLO5_BLOCK("d15"),
    SOLO5_BLOCK("d16"),
    SOLO5_BLOCK("d17"),
    SOLO5_BLOCK("d18"),
    SOLO5_BLOCK("d19"),
    SOLO5_BLOCK("d20"),
    SOLO5_BLOCK("d21"),
    SOLO5_BLOCK("d22"),
    SOLO5_BLOCK("d23"),
    SOLO5_BLOCK("d24"),
    SOLO5_BLOCK("d25"),
    SOLO5_BLOCK("d26"),
    SOLO5_BLOCK("d27"),
    SOLO5_BLOCK("d28"),
    SOLO5_BLOCK("d29"),
    SOLO5_BLOCK("d30"),
    SOLO5_BLOCK("d31"),
    SOLO5_BLOCK("d32"),
    SOLO5_BLOCK("d33"),
    SOLO5_BLOCK("d34"),
    SOLO5_BLOCK("d35"),
    SOLO5_BLOCK("d36"),
    SOLO5_BLOCK("d37"),
    SOLO5_BLOCK("d38"),
    SOLO5_BLOCK("d39"),
    SOLO5_BLOCK("d40"),
    SOLO5_BLOCK("d41"),
    SOLO5_BLOCK("d42"),
    SOLO5_BLOCK("d43"),
    SOLO5_BLOCK("d44"),
    SOLO5_BLOCK("d45"),
    SOLO5_BLOCK("d46"),
    SOLO5_BLOCK("d47"),
    SOLO5_BLOCK("d48"),
    SOLO5_BLOCK("d49"),
    SOLO5_BLOCK("d50"),
    SOLO5_BLOCK("d51"),
    SOLO5_BLOCK("d52"),
    SOLO5_BLOCK("d53"),
    SOLO5_BLOCK("d54"),
    SOLO5_BLOCK("d55"),
    SOLO5_BLOCK("d56"),
    SOLO5_BLOCK("d57"),
    SOLO5_BLOCK("d58"),
    SOLO5_BLOCK("d59"),
    SOLO5_BLOCK("d60"),
    SOLO5_BLOCK("d61"),
    SOLO5_BLOCK("d62"),
    SOLO5_BLOCK("d63"))

int solo5_app_main(const char *cmdline) {
    (void)cmdline;
    int attached = 0;
    for (int i = 1; i <= 63; i++) {
        char name[4] = {'d', (char)('0' + i / 10), (char)('0' + i % 10), 0};
        if (i < 10) { name[1] = (char)('0' + i); name[2] = 0; }
        uint64_t h;
        if (solo5_device(name, SOLO5_MFT_BLOCK_BASIC, &h) && h == (uint64_t)i) attached++;
    }
    solo5_puts("devices attached: ");
    t_print_u64((uint64_t)attached);
    solo5_puts("\n");
    return attached == 63 ? 0 : 1;
}
