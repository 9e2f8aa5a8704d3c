/* unknown_hypercall: calls hypercall number 999, which does not exist: the run must end
 * with the crash code and a diagnosis that names the number. */
#include <stdint.h>
#include <stdio.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uint64_t x[8] = {0};
    uk_hypercall(999, x);
    printf("still running after hypercall 999\n");
    return 0;
}
