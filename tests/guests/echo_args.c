/* echo_args: prints argc and each argv on its own line, bracketed so empty arguments and
 * surrounding spaces show, to check the guest receives its arguments verbatim. */
#include <stdio.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; ++i)
        printf("argv[%d]=[%s]\n", i, argv[i]);
    return argv[argc] == 0 ? 0 : 1; /* argv is NULL-terminated */
}
