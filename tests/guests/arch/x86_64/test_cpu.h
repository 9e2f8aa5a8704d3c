/* What hostile test guests do with the x86_64 CPU directly: raw Linux system calls (which a
 * unikernel never makes: the seccomp filter or the kvm backend must stop them), their numbers,
 * a breakpoint, a privileged instruction and the spin-wait hint. Each arch has this header. */
#ifndef TEST_CPU_H
#define TEST_CPU_H

#define TEST_NR_read 0
#define TEST_NR_write 1
#define TEST_NR_mmap 9
#define TEST_NR_pread64 17
#define TEST_NR_pwrite64 18
#define TEST_NR_socket 41
#define TEST_NR_execve 59
#define TEST_NR_clock_gettime 228
#define TEST_NR_clock_nanosleep 230
#define TEST_NR_exit_group 231
#define TEST_NR_getrandom 318

static inline long raw_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

/* open(path, flags, mode): the plain call on x86_64. */
static inline long test_open(const char *path, long flags, long mode)
{
    return raw_syscall(2, (long)path, flags, mode, 0, 0, 0);
}
/* Cancels a --timeout's timer: alarm(0). */
static inline long test_alarm0(void) { return raw_syscall(37, 0, 0, 0, 0, 0, 0); }

static inline void test_breakpoint(void) { __asm__ volatile("int3"); }
static inline void test_privileged(void) { __asm__ volatile("hlt"); }
static inline void test_pause(void) { __asm__ volatile("pause"); }

#endif
