/* null_deref: a named function writes to address 8 (the never-mapped null page). The
 * diagnosis must say page fault and name the function. */
#include <stdint.h>
#include <ukmon/guest.h>

__attribute__((noipa)) void crash_here(volatile int *p)
{
    *p = 42;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    volatile uintptr_t address = 8;
    crash_here((volatile int *)address);
    return 1;
}
