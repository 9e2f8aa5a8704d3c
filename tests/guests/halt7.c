/* halt7: halts with status 7, which must become the process exit code. */
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uk_halt(7, 0, 0);
}
