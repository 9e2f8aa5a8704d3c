/* The hvt target of the test guests: supervisor code in a VM that loads its own GDT and
 * IDT (as Solo5's hvt bindings do), calls the monitor with `outl` to port 0x500 + n, and on
 * a CPU exception reports its trap frame and aborts with it as the halt cookie. */
#include "solo5_guest.h"

const struct solo5_mft *solo5_test_mft;
static const struct solo5_hvt_boot_info *boot;

static void hypercall(int n, volatile void *arg) {
    __asm__ volatile("outl %0, %1" : : "a"((uint32_t)(uintptr_t)arg), "d"((uint16_t)(SOLO5_HVT_PIO_BASE + n))
                     : "memory");
}

void solo5_console_write(const char *buf, size_t len) {
    volatile struct solo5_hvt_puts a = {(uint64_t)(uintptr_t)buf, len};
    hypercall(SOLO5_HVT_PUTS, &a);
}

static void halt(int status, void *cookie) __attribute__((noreturn));
static void halt(int status, void *cookie) {
    volatile struct solo5_hvt_halt a = {(uint64_t)(uintptr_t)cookie, status};
    for (;;) hypercall(SOLO5_HVT_HALT, &a);
}
void solo5_exit(int status) { halt(status, 0); }
void solo5_abort(void) { halt(SOLO5_EXIT_ABORT, 0); }

static uint64_t rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
uint64_t solo5_clock_monotonic(void) {
    uint64_t t = rdtsc(), f = boot->cpu_cycle_freq;
    return (t / f) * 1000000000ull + ((t % f) * 1000000000ull) / f;
}
uint64_t solo5_clock_wall(void) {
    volatile struct solo5_hvt_walltime a = {0};
    hypercall(SOLO5_HVT_WALLTIME, &a);
    return a.nsecs;
}
uint64_t solo5_yield(uint64_t deadline) {
    uint64_t now = solo5_clock_monotonic();
    volatile struct solo5_hvt_poll a = {deadline > now ? deadline - now : 0, 0, 0};
    hypercall(SOLO5_HVT_POLL, &a);
    return a.ready_set;
}

int solo5_block_write(uint64_t h, uint64_t off, const void *buf, size_t len) {
    volatile struct solo5_hvt_block_write a = {h, off, (uint64_t)(uintptr_t)buf, len, -1};
    hypercall(SOLO5_HVT_BLOCK_WRITE, &a);
    return a.ret;
}
int solo5_block_read(uint64_t h, uint64_t off, void *buf, size_t len) {
    volatile struct solo5_hvt_block_read a = {h, off, (uint64_t)(uintptr_t)buf, len, -1};
    hypercall(SOLO5_HVT_BLOCK_READ, &a);
    return a.ret;
}
int solo5_net_write(uint64_t h, const void *buf, size_t len) {
    volatile struct solo5_hvt_net_write a = {h, (uint64_t)(uintptr_t)buf, len, -1};
    hypercall(SOLO5_HVT_NET_WRITE, &a);
    return a.ret;
}
int solo5_net_read(uint64_t h, void *buf, size_t size, size_t *read_size) {
    volatile struct solo5_hvt_net_read a = {h, (uint64_t)(uintptr_t)buf, size, -1};
    hypercall(SOLO5_HVT_NET_READ, &a);
    *read_size = a.len;
    return a.ret;
}

/* ---- our own descriptor tables -------------------------------------------------------------- */
static uint64_t gdt[3] = {0, 0x00AF9A000000FFFFull, 0x00CF92000000FFFFull};
static struct { uint64_t lo, hi; } idt[32];
struct trap_regs { uint64_t cr2, ec, rip, cs, rflags, rsp, ss; };  /* Solo5's halt cookie */
static struct trap_regs trap_cookie;

void hvt_trap(const uint64_t *frame);  /* frame: vector, error code, rip, cs, rflags, rsp, ss */
void hvt_trap(const uint64_t *frame) {
    uint64_t cr2;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    trap_cookie = (struct trap_regs){cr2, frame[1], frame[2], frame[3], frame[4], frame[5], frame[6]};
    solo5_puts("hvt: exception ");
    t_print_u64(frame[0]);
    solo5_puts("\n");
    halt(SOLO5_EXIT_ABORT, &trap_cookie);
}

/* Stubs for vectors 0..31: push a zero error code where the CPU pushes none, then the vector. */
#define STUB(n) ".align 16\ntrap_" #n ":\n pushq $0\n pushq $" #n "\n jmp trap_common\n"
#define STUB_EC(n) ".align 16\ntrap_" #n ":\n pushq $" #n "\n jmp trap_common\n"
__asm__(".text\n"
        STUB(0) STUB(1) STUB(2) STUB(3) STUB(4) STUB(5) STUB(6) STUB(7) STUB_EC(8) STUB(9) STUB_EC(10)
        STUB_EC(11) STUB_EC(12) STUB_EC(13) STUB_EC(14) STUB(15) STUB(16) STUB_EC(17) STUB(18) STUB(19)
        STUB(20) STUB_EC(21) STUB(22) STUB(23) STUB(24) STUB(25) STUB(26) STUB(27) STUB(28) STUB_EC(29)
        STUB_EC(30) STUB(31)
        "trap_common:\n mov %rsp, %rdi\n and $-16, %rsp\n call hvt_trap\n ud2\n");
extern char trap_0[];

static void load_tables(void) {
    for (int v = 0; v < 32; v++) {
        uint64_t a = (uint64_t)(uintptr_t)trap_0 + 16u * (uint64_t)v;
        idt[v].lo = (a & 0xFFFF) | (0x08ull << 16) | (0x8Eull << 40) | (((a >> 16) & 0xFFFF) << 48);
        idt[v].hi = a >> 32;
    }
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } g = {sizeof gdt - 1, (uint64_t)(uintptr_t)gdt},
                                                                      i = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lgdt %0\n lidt %1\n"
                     "pushq $0x08\n leaq 1f(%%rip), %%rax\n pushq %%rax\n lretq\n1:\n"
                     "mov $0x10, %%ax\n mov %%ax, %%ds\n mov %%ax, %%es\n mov %%ax, %%ss\n"
                     : : "m"(g), "m"(i) : "rax", "memory");
}

__attribute__((section(".text.solo5_start"), noreturn))
void _start(const struct solo5_hvt_boot_info *bi) {
    boot = bi;
    solo5_test_mft = (const struct solo5_mft *)(uintptr_t)bi->mft;
    load_tables();
    solo5_exit(solo5_app_main((const char *)(uintptr_t)bi->cmdline));
}

__attribute__((section(".interp"), used)) static const char interp[] = "/nonexistent/solo5/";
