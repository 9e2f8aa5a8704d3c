/* posix_stubs: what a unikernel lacks (files, processes, other fds) fails with errno, never
 * a crash; what it has (heap, clocks, sleep, in-guest signals, atexit) works. Then it ends
 * the way argv[1] says: "exit" (exit(3) after atexit handlers), "assert" (a failed assert),
 * "abort". */
#define _DEFAULT_SOURCE
#include <assert.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void expect(int ok, const char *what)
{
    printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

static int fails_with(int ret, int err) { return ret == -1 && errno == err; }

static volatile sig_atomic_t got_signal;
static void on_signal(int sig) { got_signal = sig; }
static void at_exit(void) { printf("atexit handler ran, failures %d\n", failures); }

int main(int argc, char **argv)
{
    errno = 0;
    FILE *f = fopen("/etc/passwd", "r");
    expect(f == NULL && errno == ENOSYS, "fopen: NULL, ENOSYS");
    char c;
    struct stat st;
    errno = 0;
    expect(fails_with(write(7, "x", 1), EBADF), "write to fd 7: EBADF");
    expect(fails_with(read(7, &c, 1), EBADF), "read fd 7: EBADF");
    expect(read(STDIN_FILENO, &c, 1) == 0, "read stdin: end of file");
    expect(fails_with(fork(), ENOSYS), "fork: ENOSYS");
    expect(fails_with(stat("/", &st), ENOSYS), "stat: ENOSYS");
    expect(fails_with(unlink("x"), ENOSYS), "unlink: ENOSYS");
    expect(fails_with(execve("/bin/sh", argv, NULL), ENOSYS), "execve: ENOSYS");
    expect(fails_with(close(9), EBADF), "close fd 9: EBADF");
    expect(fails_with(lseek(1, 0, SEEK_SET), ESPIPE), "lseek stdout: ESPIPE");
    expect(fails_with(kill(42, SIGTERM), ESRCH), "kill another pid: ESRCH");

    errno = 0;
    void *huge = malloc((size_t)1 << 40);
    expect(huge == NULL && errno == ENOMEM, "malloc beyond the heap: NULL, ENOMEM");
    size_t big = 8u << 20;
    unsigned char *p = malloc(big);
    expect(p != NULL, "malloc 8 MiB from the boot info's heap");
    if (p != NULL) {
        memset(p, 0xA5, big);
        p = realloc(p, big * 2);
        expect(p != NULL && p[big - 1] == 0xA5, "realloc keeps the bytes");
        free(p);
    }

    struct timespec a, b, nap = {0, 20 * 1000 * 1000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    expect(nanosleep(&nap, NULL) == 0, "nanosleep 20 ms");
    clock_gettime(CLOCK_MONOTONIC, &b);
    int64_t ns = (int64_t)(b.tv_sec - a.tv_sec) * 1000000000 + (b.tv_nsec - a.tv_nsec);
    expect(ns >= 20 * 1000 * 1000, "the monotonic clock saw the sleep");
    expect(clock() != (clock_t)-1, "clock() runs");

    signal(SIGUSR1, on_signal);
    raise(SIGUSR1);
    expect(got_signal == SIGUSR1, "raise runs the guest's own handler");

    atexit(at_exit);
    const char *how = argc > 1 ? argv[1] : "exit";
    if (strcmp(how, "assert") == 0)
        assert(failures < 0 && "a failing assert");
    if (strcmp(how, "abort") == 0)
        abort();
    exit(failures ? 1 : 3);
}
