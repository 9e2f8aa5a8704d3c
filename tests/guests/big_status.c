/* big_status: halts with 300, outside the guest's 0..247; the monitor must not let it pass
 * as an exit code (300 would wrap to 44) but end with its crash code and say why. */
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    uk_halt(300, 0, 0);
}
