/* blk_write_wait: writes 512 bytes of 0x5A at offset 0 of its disk (no flush), says
 * "written", then waits in the poll hypercall forever. For tests that stop the process
 * (SIGTERM, SIGINT, SIGHUP) and check that the exit actions still ran. */
#include <string.h>
#include <ukmon/guest.h>

UK_DECLARE_BLK(disk);

static char sector[512] __attribute__((aligned(512)));

int main(void)
{
    int64_t h = uk_device_handle(UK_DEV_BLK, "disk");
    memset(sector, 0x5A, sizeof sector);
    if (h < 0 || uk_blkwrite((uint64_t)h, 0, sector, sizeof sector) != UK_OK) {
        uk_puts("write failed\n", 13);
        return 1;
    }
    uk_puts("written\n", 8);
    for (;;)
        uk_poll(1000000000ull, 0);
}
