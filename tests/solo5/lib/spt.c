/* The spt target of the test guests: raw Linux system calls, as Solo5's spt bindings make
 * them, on the fds the boot info and manifest give. */
#include "solo5_guest.h"

const struct solo5_mft *solo5_test_mft;
static const struct solo5_spt_boot_info *boot;

static long sys6(long n, long a, long b, long c, long d, long e, long f) {
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}
long spt_syscall(long n, long a, long b, long c, long d) { return sys6(n, a, b, c, d, 0, 0); }

enum { NR_read = 0, NR_write = 1, NR_pread64 = 17, NR_pwrite64 = 18, NR_clock_gettime = 228,
       NR_exit_group = 231, NR_epoll_pwait = 281, NR_timerfd_settime = 286 };

void solo5_console_write(const char *buf, size_t len) { sys6(NR_write, 1, (long)buf, (long)len, 0, 0, 0); }
void solo5_exit(int status) {
    for (;;) sys6(NR_exit_group, status, 0, 0, 0, 0, 0);
}
void solo5_abort(void) { solo5_exit(SOLO5_EXIT_ABORT); }

struct timespec_ { int64_t sec, nsec; };
static uint64_t clock_ns(int clock) {
    struct timespec_ ts = {0, 0};
    sys6(NR_clock_gettime, clock, (long)&ts, 0, 0, 0, 0);
    return (uint64_t)ts.sec * 1000000000ull + (uint64_t)ts.nsec;
}
uint64_t solo5_clock_monotonic(void) { return clock_ns(1); }
uint64_t solo5_clock_wall(void) { return clock_ns(0); }

struct epoll_event_ { uint32_t events; uint64_t data; } __attribute__((packed));
uint64_t solo5_yield(uint64_t deadline) {
    struct { struct timespec_ interval, value; } it = {{0, 0}, {0, 0}};
    if (deadline == 0) deadline = 1;  /* a zero value would disarm the timer */
    it.value.sec = (int64_t)(deadline / 1000000000ull);
    it.value.nsec = (int64_t)(deadline % 1000000000ull);
    sys6(NR_timerfd_settime, boot->timerfd, 1 /* TFD_TIMER_ABSTIME */, (long)&it, 0, 0, 0);
    struct epoll_event_ ev[SOLO5_MFT_MAX_ENTRIES];
    long n = sys6(NR_epoll_pwait, boot->epollfd, (long)ev, SOLO5_MFT_MAX_ENTRIES, -1, 0, 8);
    uint64_t ready = 0;
    for (long i = 0; i < n; i++)
        if (ev[i].data != SOLO5_SPT_TIMERFD_ID && ev[i].data < 64) ready |= 1ull << ev[i].data;
    return ready;
}

static const struct solo5_mft_entry *entry(uint64_t h) {
    return h < solo5_test_mft->entries ? &solo5_test_mft->e[h] : 0;
}

int solo5_block_write(uint64_t h, uint64_t off, const void *buf, size_t len) {
    const struct solo5_mft_entry *e = entry(h);
    long n = sys6(NR_pwrite64, e->b.hostfd, (long)buf, (long)len, (long)off, 0, 0);
    return n == (long)len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}
int solo5_block_read(uint64_t h, uint64_t off, void *buf, size_t len) {
    const struct solo5_mft_entry *e = entry(h);
    long n = sys6(NR_pread64, e->b.hostfd, (long)buf, (long)len, (long)off, 0, 0);
    return n == (long)len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}
int solo5_net_write(uint64_t h, const void *buf, size_t len) {
    long n = sys6(NR_write, entry(h)->b.hostfd, (long)buf, (long)len, 0, 0, 0);
    return n == (long)len ? SOLO5_R_OK : SOLO5_R_EUNSPEC;
}
int solo5_net_read(uint64_t h, void *buf, size_t size, size_t *read_size) {
    long n = sys6(NR_read, entry(h)->b.hostfd, (long)buf, (long)size, 0, 0, 0);
    if (n == -11) return SOLO5_R_AGAIN;
    if (n < 0) return SOLO5_R_EUNSPEC;
    *read_size = (size_t)n;
    return SOLO5_R_OK;
}

__attribute__((section(".text.solo5_start"), noreturn))
void _start(const struct solo5_spt_boot_info *bi) {
    boot = bi;
    solo5_test_mft = (const struct solo5_mft *)bi->mft;
    solo5_exit(solo5_app_main((const char *)bi->cmdline));
}

/* What Solo5's images carry so that the host's exec refuses them. */
__attribute__((section(".interp"), used)) static const char interp[] = "/nonexistent/solo5/";
