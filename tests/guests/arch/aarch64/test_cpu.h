/* What hostile test guests do with the aarch64 CPU directly: raw Linux system calls (svc #0:
 * x8 the number, x0..x5 the arguments), their numbers (the generic table: no open, no alarm),
 * a breakpoint, a privileged instruction and the spin-wait hint. */
#ifndef TEST_CPU_H
#define TEST_CPU_H

#define TEST_NR_read 63
#define TEST_NR_write 64
#define TEST_NR_mmap 222
#define TEST_NR_pread64 67
#define TEST_NR_pwrite64 68
#define TEST_NR_socket 198
#define TEST_NR_execve 221
#define TEST_NR_clock_gettime 113
#define TEST_NR_clock_nanosleep 115
#define TEST_NR_exit_group 94
#define TEST_NR_getrandom 278

static inline long raw_syscall(long nr, long a, long b, long c, long d, long e, long f)
{
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
    return x0;
}

/* open(path, flags, mode): aarch64 has only openat (AT_FDCWD = -100). */
static inline long test_open(const char *path, long flags, long mode)
{
    return raw_syscall(56, -100, (long)path, flags, mode, 0, 0);
}
/* Cancels a --timeout's timer: no alarm(2) here; setitimer(ITIMER_REAL, {0}, NULL) as glibc. */
static inline long test_alarm0(void)
{
    static long zero[4];
    return raw_syscall(103, 0, (long)zero, 0, 0, 0, 0);
}

static inline void test_breakpoint(void) { __asm__ volatile("brk #0"); }
/* A system register only EL1 may read: undefined at EL0 (SIGILL; a fault under kvm). */
static inline void test_privileged(void)
{
    unsigned long v;
    __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
    (void)v;
}
static inline void test_pause(void) { __asm__ volatile("yield"); }

#endif
