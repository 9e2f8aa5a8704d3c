/* hostile_rawio: makes a raw system call on a device fd, bypassing the hypercalls, and prints
 * what it returned. Under seccomp the filter allows pread64/pwrite64 on the disk's fd and
 * write on the console and TAP fds (the monitor needs them), so it is the filter's argument
 * checks that must keep the file's length and other fds out of the guest's reach; under kvm
 * there is no kernel to call.
 *   hostile_rawio ... -- CALL FD OFFSET LEN
 * CALL: pwrite64, pread64 or write (OFFSET ignored); numbers: strtoul base 0; LEN up to 3 MiB. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

#include "test_cpu.h"

UK_DECLARE_BLK(disk);

static char buf[3u << 20];

int main(int argc, char **argv)
{
    if (argc != 5) {
        printf("usage: hostile_rawio ... -- CALL FD OFFSET LEN\n");
        return 2;
    }
    long nr = !strcmp(argv[1], "pwrite64") ? TEST_NR_pwrite64 : !strcmp(argv[1], "pread64") ? TEST_NR_pread64
            : !strcmp(argv[1], "write") ? TEST_NR_write : -1;
    long fd = (long)strtoul(argv[2], 0, 0), len = (long)strtoul(argv[4], 0, 0);
    long off = (long)strtoul(argv[3], 0, 0);
    if (nr < 0 || (unsigned long)len > sizeof buf)
        return 2;
    printf("%s\n", argv[1]);
    long r = raw_syscall(nr, fd, (long)buf, len, off, 0, 0);
    printf("%s returned %ld\n", argv[1], r);
    return 0;
}
