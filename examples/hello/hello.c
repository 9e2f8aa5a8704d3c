/* hello: prints a greeting, its command line and the wall clock, then halts with the
 * status given as `--status=N` (default 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>

int main(int argc, char **argv)
{
    int status = 0;
    printf("Hello from a ukmon unikernel!\n");
    printf("command line: \"%s\" (%d arguments)\n", (const char *)(uintptr_t)uk_boot_info()->cmdline,
           argc - 1);
    for (int i = 1; i < argc; ++i)
        if (strncmp(argv[i], "--status=", 9) == 0)
            status = atoi(argv[i] + 9);
    uint64_t ns = uk_walltime_ns();
    printf("wall clock: %llu.%09llu s since 1970\n", (unsigned long long)(ns / 1000000000ull),
           (unsigned long long)(ns % 1000000000ull));
    printf("backend: %s\n", uk_boot_info()->backend == UK_BACKEND_KVM ? "kvm" : "seccomp");
    return status;
}
