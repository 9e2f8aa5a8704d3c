/* hostile_symbol: its function `evil_name` is renamed after linking (Makefile: objcopy
 * --redefine-sym) to a name holding a newline, a forged "ukmon:" line and an escape sequence.
 * The monitor names that function in its diagnoses; the name must come out escaped.
 *   hostile_symbol -- crash    a null write inside it (a fault diagnosis)
 *   hostile_symbol -- spin     spins inside it (run with --timeout=1) */
#include <string.h>
#include <ukmon/guest.h>

#include "test_cpu.h"

__attribute__((noipa)) void evil_name(volatile int *p, int spin)
{
    while (spin)
        test_pause();
    *p = 42;
}

int main(int argc, char **argv)
{
    volatile unsigned long address = 8;
    evil_name((volatile int *)address, argc > 1 && !strcmp(argv[1], "spin"));
    return 1;
}
