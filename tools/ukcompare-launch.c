/* ukcompare-launch: the measuring end of tools/ukcompare, in C so that what is timed is the
 * child and not the Python interpreter.
 *
 *   ukcompare-launch run OUT -- CMD ARGS...
 *       Runs CMD once with stdout to OUT and stderr to OUT.err, and prints one line:
 *       t_exec_ns=  CLOCK_MONOTONIC just before posix_spawn (vfork+exec)  -- timeline "exec"
 *       t_exit_ns=  CLOCK_MONOTONIC just after wait4 returned             -- timeline "exit"
 *       wall_ns= utime_ns= stime_ns= maxrss_kb= status= signal=
 *       (times and peak RSS from wait4's rusage of that one child).
 *
 *   ukcompare-launch probe -- CMD ARGS...
 *       Runs CMD under ptrace, stops it at its exit (PTRACE_EVENT_EXIT: the address space is
 *       still there), and prints each mapping's resident size, then the same summary line:
 *       vma start=0x.. end=0x.. rss_kb=N flags=.. name=..
 *       vmhwm_kb=N
 *       The caller decides which mappings are guest memory. stdout/stderr go to /dev/null.
 *
 * Exit status: 0 when the child ran (whatever its own status), 2 when it could not. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static unsigned long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ull + (unsigned long long)ts.tv_nsec;
}

static unsigned long long tv_ns(struct timeval tv)
{
    return (unsigned long long)tv.tv_sec * 1000000000ull + (unsigned long long)tv.tv_usec * 1000ull;
}

static void summary(unsigned long long t0, unsigned long long t1, int st, const struct rusage *ru)
{
    printf("t_exec_ns=%llu t_exit_ns=%llu wall_ns=%llu utime_ns=%llu stime_ns=%llu maxrss_kb=%ld "
           "status=%d signal=%d\n",
           t0, t1, t1 - t0, tv_ns(ru->ru_utime), tv_ns(ru->ru_stime), ru->ru_maxrss,
           WIFEXITED(st) ? WEXITSTATUS(st) : -1, WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static int do_run(const char *out, char **cmd)
{
    char err_path[4096];
    snprintf(err_path, sizeof err_path, "%s.err", out);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    unsigned long long t0 = now_ns();
    int e = posix_spawn(&pid, cmd[0], &fa, NULL, cmd, environ);
    if (e != 0) {
        fprintf(stderr, "ukcompare-launch: %s: %s\n", cmd[0], strerror(e));
        return 2;
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("wait4");
            return 2;
        }
    unsigned long long t1 = now_ns();
    summary(t0, t1, st, &ru);
    posix_spawn_file_actions_destroy(&fa);
    return 0;
}

/* Prints every mapping of pid with its Rss, from /proc/pid/smaps. */
static void print_smaps(pid_t pid)
{
    char path[64], line[1024], name[512] = "";
    snprintf(path, sizeof path, "/proc/%d/smaps", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return;
    }
    unsigned long long start = 0, end = 0, rss = 0;
    int have = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long long s, e;
        int off = 0;
        if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &s, &e, &off) == 2 && off > 0) {
            if (have)
                printf("vma start=0x%llx end=0x%llx rss_kb=%llu name=%s\n", start, end, rss, name[0] ? name : "-");
            start = s, end = e, rss = 0, have = 1;
            snprintf(name, sizeof name, "%s", line + off);
            name[strcspn(name, "\n")] = 0;
            for (char *c = name; *c; ++c)
                if (*c == ' ')
                    *c = '_';
        } else if (strncmp(line, "Rss:", 4) == 0) {
            rss = strtoull(line + 4, NULL, 10);
        }
    }
    if (have)
        printf("vma start=0x%llx end=0x%llx rss_kb=%llu name=%s\n", start, end, rss, name[0] ? name : "-");
    fclose(f);
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, "VmHWM:", 6) == 0)
            printf("vmhwm_kb=%llu\n", strtoull(line + 6, NULL, 10));
    if (f)
        fclose(f);
}

static int do_probe(char **cmd)
{
    unsigned long long t0 = now_ns();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 2;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        execv(cmd[0], cmd);
        _exit(127);
    }
    int st;
    struct rusage ru;
    /* The exec stop, then run to the exit stop, then let it go. */
    if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st)) {
        fprintf(stderr, "ukcompare-launch: %s did not stop at exec\n", cmd[0]);
        return 2;
    }
    ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(long)(PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL));
    ptrace(PTRACE_CONT, pid, NULL, NULL);
    for (;;) {
        if (waitpid(pid, &st, 0) < 0) {
            perror("waitpid");
            return 2;
        }
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            fprintf(stderr, "ukcompare-launch: %s ended before its exit stop\n", cmd[0]);
            return 2;
        }
        if (WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (PTRACE_EVENT_EXIT << 8))) {
            print_smaps(pid);
            ptrace(PTRACE_CONT, pid, NULL, NULL);
            break;
        }
        /* Any other stop is a signal for the child: deliver it. */
        ptrace(PTRACE_CONT, pid, NULL, (void *)(long)(WIFSTOPPED(st) ? WSTOPSIG(st) : 0));
    }
    while (wait4(pid, &st, 0, &ru) < 0)
        if (errno != EINTR) {
            perror("wait4");
            return 2;
        }
    summary(t0, now_ns(), st, &ru);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "run") == 0 && strcmp(argv[3], "--") == 0)
        return do_run(argv[2], argv + 4);
    if (argc >= 4 && strcmp(argv[1], "probe") == 0 && strcmp(argv[2], "--") == 0)
        return do_probe(argv + 3);
    fprintf(stderr, "usage: ukcompare-launch run OUT -- CMD ARGS... | ukcompare-launch probe -- CMD ARGS...\n");
    return 2;
}
