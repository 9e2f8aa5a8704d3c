/* bad_arg_struct: hands the raw gate an argument-struct address in the null page. The call
 * cannot even be read, so the monitor must end the run (crash code) with a diagnosis. */
#include <stdio.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uk_hypercall(UK_HC_PUTS, (void *)0x10);
    printf("still running after a bad argument struct\n");
    return 0;
}
