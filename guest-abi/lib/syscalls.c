/* The system layer under newlib: the few POSIX calls newlib's stdio, malloc, time and exit
 * need, mapped onto the guest ABI. A unikernel has no files, processes or signals: those
 * calls fail with a proper errno (ENOSYS, EBADF), never a crash. See docs/runtime.md. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>
#include <ukmon/guest.h>

/* newlib's reentrant wrappers (_write_r, ...) call these plain names (MISSING_SYSCALL_NAMES)
 * and copy the system layer's own global `errno` into the caller's errno; a guest calling
 * write() itself reads errno (the macro) directly. Set both: they are the guest's one thread's. */
extern int sys_errno __asm__("errno");

static int set_errno(int e)
{
    errno = e;
    sys_errno = e;
    return e;
}

static int fail(int e)
{
    set_errno(e);
    return -1;
}

static int is_console(int fd) { return fd == STDOUT_FILENO || fd == STDERR_FILENO; }
static int is_std(int fd) { return fd >= 0 && fd <= STDERR_FILENO; }

/* ---- console: stdout and stderr both reach the puts hypercall ---------------------------- */

int write(int fd, const void *buf, size_t len)
{
    if (!is_console(fd))
        return fail(EBADF);
    if (len > INT_MAX) /* the count must fit the return type: a short write, as POSIX allows */
        len = INT_MAX;
    if (uk_puts(buf, len) != UK_OK)
        return fail(EIO);
    return (int)len;
}

/* No console input: stdin is at its end. */
int read(int fd, void *buf, size_t len)
{
    (void)buf;
    (void)len;
    return fd == STDIN_FILENO ? 0 : fail(EBADF);
}

int close(int fd) { return is_std(fd) ? 0 : fail(EBADF); }
off_t lseek(int fd, off_t off, int whence)
{
    (void)off;
    (void)whence;
    return is_std(fd) ? fail(ESPIPE) : fail(EBADF);
}

/* The console is a terminal: newlib then line-buffers stdout, so a line is out before a crash. */
int isatty(int fd)
{
    if (is_std(fd))
        return 1;
    set_errno(EBADF);
    return 0;
}

int fstat(int fd, struct stat *st)
{
    if (!is_std(fd))
        return fail(EBADF);
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFCHR | 0620;
    return 0;
}

int fcntl(int fd, int cmd, ...)
{
    (void)cmd;
    return is_std(fd) ? fail(ENOSYS) : fail(EBADF);
}

/* ---- heap: the boot info's range, handed out by newlib's malloc through sbrk ------------- */

static uintptr_t brk_now;

void *sbrk(ptrdiff_t incr)
{
    const struct uk_boot_info *bi = uk_boot_info();
    if (brk_now == 0)
        brk_now = (uintptr_t)bi->heap_start;
    uintptr_t old = brk_now;
    /* Compare against the room on each side: old + incr itself could wrap. */
    if (incr > 0 ? (uintptr_t)incr > bi->heap_end - old : 0 - (uintptr_t)incr > old - bi->heap_start) {
        set_errno(ENOMEM);
        return (void *)-1;
    }
    brk_now = old + (uintptr_t)incr;
    return (void *)old;
}

/* ---- time ---------------------------------------------------------------------------- */

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t ns = uk_walltime_ns();
    tv->tv_sec = (time_t)(ns / 1000000000u);
    tv->tv_usec = (suseconds_t)(ns % 1000000000u / 1000u);
    return 0;
}

static void to_timespec(uint64_t ns, struct timespec *ts)
{
    ts->tv_sec = (time_t)(ns / 1000000000u);
    ts->tv_nsec = (long)(ns % 1000000000u);
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    switch (clock) {
    case CLOCK_REALTIME:
        to_timespec(uk_walltime_ns(), ts);
        return 0;
    case CLOCK_MONOTONIC:
        to_timespec(uk_monotonic_ns(), ts);
        return 0;
    default:
        return fail(EINVAL);
    }
}

int clock_getres(clockid_t clock, struct timespec *res)
{
    if (clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC)
        return fail(EINVAL);
    if (res != NULL)
        to_timespec(1, res);
    return 0;
}

/* clock() divides by CLOCKS_PER_SEC (1000 in newlib): the guest's CPU time is its run time. */
clock_t times(struct tms *t)
{
    clock_t ms = (clock_t)(uk_monotonic_ns() / 1000000u);
    if (t != NULL) {
        t->tms_utime = ms;
        t->tms_stime = 0;
        t->tms_cutime = 0;
        t->tms_cstime = 0;
    }
    return ms;
}

/* Sleeping is a poll with a deadline; a NIC that becomes ready wakes it early, so loop. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
        return fail(EINVAL);
    uint64_t want = (uint64_t)req->tv_sec * 1000000000u + (uint64_t)req->tv_nsec;
    uint64_t start = uk_monotonic_ns();
    for (uint64_t done = 0; done < want; done = uk_monotonic_ns() - start)
        uk_poll(want - done, NULL);
    if (rem != NULL)
        rem->tv_sec = rem->tv_nsec = 0;
    return 0;
}

/* ---- process: one process, ended by halt --------------------------------------------- */

/* The exit status a shell gives a process killed by signal sig. */
#define SIGNAL_STATUS(sig) (128 + (sig))

__attribute__((noreturn)) void _exit(int status)
{
    uk_halt((uint64_t)(unsigned)status, 0, 0);
}

int getpid(void) { return 1; }

/* raise() and abort() end here: the guest's only process dies of the signal. */
int kill(int pid, int sig)
{
    if (pid != getpid())
        return fail(ESRCH);
    if (sig <= 0 || sig >= NSIG)
        return fail(EINVAL);
    static const char msg[] = "guest: killed by signal ";
    char line[sizeof msg + 8];
    int n = snprintf(line, sizeof line, "%s%d\n", msg, sig);
    uk_puts(line, (size_t)n);
    _exit(SIGNAL_STATUS(sig));
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how;
    (void)set;
    if (old != NULL)
        *old = 0;
    return 0; /* no asynchronous signals ever arrive: every mask is as good as any */
}

/* ---- what a unikernel does not have ---------------------------------------------------- */

int open(const char *path, int flags, ...)
{
    (void)path;
    (void)flags;
    return fail(ENOSYS);
}

int stat(const char *path, struct stat *st)
{
    (void)path;
    (void)st;
    return fail(ENOSYS);
}

int link(const char *from, const char *to)
{
    (void)from;
    (void)to;
    return fail(ENOSYS);
}

int unlink(const char *path)
{
    (void)path;
    return fail(ENOSYS);
}

int mkdir(const char *path, mode_t mode)
{
    (void)path;
    (void)mode;
    return fail(ENOSYS);
}

int fork(void) { return fail(ENOSYS); }

int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return fail(ENOSYS);
}

int wait(int *status)
{
    (void)status;
    return fail(ECHILD);
}

/* ---- the one allocator call newlib names but lacks (its aligned_alloc needs it) --------- */

void *memalign(size_t align, size_t size);

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1)) != 0)
        return EINVAL;
    void *p = memalign(align, size);
    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}
