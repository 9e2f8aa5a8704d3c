/* write_text: writes to its own code. Text is mapped read+execute only (W^X), so this is a
 * protection page fault on a write. */
#include <stdint.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    volatile unsigned char *code = (volatile unsigned char *)(uintptr_t)&main;
    *code = 0xC3;
    return 1;
}
