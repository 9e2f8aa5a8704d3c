/* hostile_rawio: makes the raw pwrite64(FD, buf, LEN, OFFSET) system call on the fd of its own
 * disk, bypassing the blk hypercalls, and prints what it returned. Under seccomp the filter
 * allows pwrite64 on that fd (the blk module needs it), so it is the filter's argument checks
 * that must keep the file from growing without limit; under kvm there is no kernel to call.
 *   hostile_rawio ... -- FD OFFSET LEN      (numbers: strtoul base 0; LEN up to 3 MiB) */
#include <stdio.h>
#include <stdlib.h>
#include <ukmon/guest.h>

UK_DECLARE_BLK(disk);

static char buf[3u << 20];

int main(int argc, char **argv)
{
    if (argc != 4) {
        printf("usage: hostile_rawio ... -- FD OFFSET LEN\n");
        return 2;
    }
    long fd = (long)strtoul(argv[1], 0, 0), len = (long)strtoul(argv[3], 0, 0);
    long off = (long)strtoul(argv[2], 0, 0);
    if ((unsigned long)len > sizeof buf)
        return 2;
    printf("pwrite64\n");
    /* Set r10 right at the call: any function call in between could clobber it. */
    register long offset __asm__("r10") = off;
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(18L), "D"(fd), "S"(buf), "d"(len), "r"(offset) : "rcx", "r11", "memory");
    printf("pwrite64 returned %ld\n", r);
    return 0;
}
