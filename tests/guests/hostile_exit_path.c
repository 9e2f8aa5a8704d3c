/* hostile_exit_path: under seccomp the guest shares the monitor's process and can make
 * every system call the filter allows, with any arguments. These modes go after what the
 * monitor's own exit path used to need (issue: hostile guests, round two):
 *   alarm0-spin    raw alarm(0), to cancel a --timeout, then spin forever
 *   raw-exit N     write a sector through blkwrite, then a raw exit_group(N): no halt, no
 *                  report from the monitor code, no flush by it
 *   raw-write      raw write(fd, "forged", 6) on fds 3..63 (the --stats file, a pipe, ...),
 *                  then halt with 0
 * Each prints what it is about to do first. Under kvm a raw system call is refused as such. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#include "test_cpu.h"

UK_DECLARE_BLK(disk);

static char sector[512] __attribute__((aligned(512)));

static long raw3(long nr, long a, long b, long c) { return raw_syscall(nr, a, b, c, 0, 0, 0); }

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "alarm0-spin") == 0) {
        printf("alarm(0)\n");
        test_alarm0();
        printf("spinning\n");
        for (volatile unsigned long i = 0;; ++i) {
        }
    }
    if (argc >= 3 && strcmp(argv[1], "raw-exit") == 0) {
        int64_t h = uk_device_handle(UK_DEV_BLK, "disk");
        memset(sector, 0x6B, sizeof sector);
        if (h < 0 || uk_blkwrite((uint64_t)h, 0, sector, sizeof sector) != UK_OK)
            return 1;
        printf("exit_group(%s)\n", argv[2]);
        raw3(TEST_NR_exit_group, strtol(argv[2], 0, 0), 0, 0);
        return 99;
    }
    if (argc >= 2 && strcmp(argv[1], "raw-write") == 0) {
        printf("raw writes\n");
        for (long fd = 3; fd < 64; ++fd)
            raw3(TEST_NR_write, fd, (long)"forged", 6);
        return 0;
    }
    printf("usage: hostile_exit_path -- alarm0-spin | raw-exit N | raw-write\n");
    return 2;
}
