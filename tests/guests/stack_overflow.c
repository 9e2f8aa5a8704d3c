/* stack_overflow: recurses without bound. The stack must run into the unmapped guard page
 * below it (a page fault there), not into the heap, and the monitor reports it. */
#include <stdint.h>
#include <ukmon/guest.h>

static volatile int stop; /* never set: keeps the compiler from proving the recursion infinite */

__attribute__((noipa)) static uint64_t recurse(uint64_t depth)
{
    volatile char frame[256];
    frame[0] = (char)depth;
    if (stop)
        return depth;
    return recurse(depth + 1) + (uint64_t)frame[0];
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return (int)recurse(0);
}
