/* exec_heap: copies a `ret` into malloc'd memory and calls it. The heap is never executable
 * (NX), so this is a page fault on instruction fetch. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    static const unsigned char ret_insn[] = {0xC3};
    unsigned char *code = malloc(16);
    if (!code)
        return 2;
    memcpy(code, ret_insn, sizeof ret_insn);
    void (*fn)(void) = (void (*)(void))(uintptr_t)code;
    fn();
    return 1;
}
