/* A hostile guest: makes the raw Linux system call named by argv[1] (open, mmap, socket,
 * execve; clock-cpu, clock-pid: clock_gettime of this process's or pid 1's CPU-time clock;
 * sleep-pid: clock_nanosleep on pid 1's CPU-time clock; clock-monotonic: the one clock call
 * a guest may make, which must return 0). Under seccomp the filter must refuse it and the run end with 254;
 * under kvm there is no kernel to call and the run ends as a crash. Nothing it asks for
 * may happen: open would create MARKER, execve would run /bin/sh -c "touch MARKER". */
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

#include "test_cpu.h"


int main(int argc, char **argv)
{
    if (argc < 3) {
        printf("usage: forbidden_syscall open|mmap|socket|execve MARKER\n");
        return 2;
    }
    const char *which = argv[1], *marker = argv[2];
    long r = -1;
    printf("attempting %s\n", which);
    if (strcmp(which, "open") == 0) {
        r = test_open(marker, 0101 /* O_WRONLY|O_CREAT */, 0644);
    } else if (strcmp(which, "mmap") == 0) {
        r = raw_syscall(TEST_NR_mmap, 0, 4096, 7 /* RWX */, 0x22 /* PRIVATE|ANON */, -1, 0);
    } else if (strcmp(which, "socket") == 0) {
        r = raw_syscall(TEST_NR_socket, 2 /* AF_INET */, 1 /* SOCK_STREAM */, 0, 0, 0, 0);
    } else if (strcmp(which, "execve") == 0) {
        static char cmd[256];
        snprintf(cmd, sizeof cmd, "touch %s", marker);
        const char *args[] = {"/bin/sh", "-c", cmd, 0};
        r = raw_syscall(TEST_NR_execve, (long)"/bin/sh", (long)args, 0, 0, 0, 0);
    } else if (strcmp(which, "clock-cpu") == 0) {
        static long ts[2];
        r = raw_syscall(TEST_NR_clock_gettime, 2 /* CLOCK_PROCESS_CPUTIME_ID */, (long)ts, 0, 0, 0, 0);
    } else if (strcmp(which, "clock-pid") == 0) {
        static long ts[2];  /* MAKE_PROCESS_CPUCLOCK(1, CPUCLOCK_SCHED): pid 1's CPU time */
        r = raw_syscall(TEST_NR_clock_gettime, -14L /* (~1 << 3) | 2 */, (long)ts, 0, 0, 0, 0);
    } else if (strcmp(which, "sleep-pid") == 0) {
        static long ts[2] = {0, 1000};
        r = raw_syscall(TEST_NR_clock_nanosleep, -14L /* (~1 << 3) | 2 */, 0, (long)ts, 0, 0, 0);
    } else if (strcmp(which, "clock-monotonic") == 0) {
        static long ts[2];
        r = raw_syscall(TEST_NR_clock_gettime, 1 /* CLOCK_MONOTONIC */, (long)ts, 0, 0, 0, 0);
        printf("%s returned %ld\n", which, r);
        return r == 0 ? 0 : 1;
    } else {
        printf("unknown call %s\n", which);
        return 2;
    }
    printf("%s returned %ld: the filter failed\n", which, r);
    return 1;
}
