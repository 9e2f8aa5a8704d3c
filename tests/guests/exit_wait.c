/* exit_wait: says "waiting", then never ends: by default it sleeps in the poll hypercall;
 * with argv[1] = "spin" it spins in its own code (spin_forever) and never calls the monitor.
 * For tests that signal the process or let --timeout end it. */
#include <string.h>
#include <ukmon/guest.h>

volatile unsigned long spins;

__attribute__((noipa)) void spin_forever(void)
{
    for (;;)
        ++spins;
}

int main(int argc, char **argv)
{
    uk_puts("waiting\n", 8);
    if (argc > 1 && strcmp(argv[1], "spin") == 0)
        spin_forever();
    for (;;)
        uk_poll(1000000000ull, 0);
}
