/* Baseline for "seccomp hello boot to exit": exec of a static C hello process. It prints
 * about as much as the hello unikernel does, so both pay for the same console output. */
#include <stdio.h>
#include <time.h>

int main(int argc, char **argv)
{
    struct timespec ts;
    printf("Hello from a static C process!\n");
    printf("command line: %d arguments (%s)\n", argc - 1, argv[0]);
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("wall clock: %lld.%09ld s since 1970\n", (long long)ts.tv_sec, ts.tv_nsec);
    printf("backend: none\n");
    return 0;
}
