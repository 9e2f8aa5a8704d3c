/* exit_crash: one CPU fault, chosen by argv[1], each raised inside its own named function
 * that main calls through process_request (so a backtrace has three frames). Default: a
 * write through a bad pointer. The crash diagnosis and the core's backtrace must both name
 * the function on either backend.
 *   pointer  write to 0xdead0000 (never mapped)      -> #PF, in store_result
 *   divide   integer division by zero               -> #DE, in average
 *   ud2      undefined instruction                  -> #UD, in unreachable_path
 *   int3     breakpoint instruction                 -> #BP, in leftover_breakpoint
 *   hlt      a privileged instruction at CPL3        -> #GP, in privileged_halt
 * Before it crashes it fills a secret page with a known pattern (for --scrub and cores). */
#include <stdint.h>
#include <string.h>
#include <ukmon/guest.h>

#include "test_cpu.h"

/* A recognisable pattern in the data segment: a core holds it, a scrub must zero it. */
char secret[4096] __attribute__((aligned(4096)));

__attribute__((noipa)) void store_result(volatile uint64_t *where, uint64_t value)
{
    *where = value;
}

__attribute__((noipa)) int average(int sum, volatile int count)
{
    return sum / count;
}

__attribute__((noipa)) void unreachable_path(void)
{
    __builtin_trap(); /* ud2 */
}

__attribute__((noipa)) void leftover_breakpoint(void)
{
    test_breakpoint();
}

__attribute__((noipa)) void privileged_halt(void)
{
    test_privileged();
}

__attribute__((noipa)) int process_request(const char *kind)
{
    if (strcmp(kind, "divide") == 0)
        return average(10, 0);
    if (strcmp(kind, "ud2") == 0)
        unreachable_path();
    else if (strcmp(kind, "int3") == 0)
        leftover_breakpoint();
    else if (strcmp(kind, "hlt") == 0)
        privileged_halt();
    else
        store_result((volatile uint64_t *)(uintptr_t)0xdead0000u, 42);
    return 0;
}

int main(int argc, char **argv)
{
    for (size_t i = 0; i < sizeof secret; i += 8)
        memcpy(secret + i, "SECRET!!", 8);
    process_request(argc > 1 ? argv[1] : "pointer");
    return 1; /* not reached */
}
