/* hostile_memory: misuses memory and the CPU in the one way named by argv[1], then prints
 * "survived" (which it must never reach for the first group):
 *   write-bootinfo   write to its own boot info (read-only)
 *   write-gate       write to the hypercall gate page (0xFF000; kvm: read+execute)
 *   write-pagetable  write to the top-level page table (0x1000; kvm: supervisor-only page)
 *   read-pagetable   read it
 *   write-idt        write to the IDT (0xE1000; kvm: supervisor-only page)
 *   write-rodata     write to its own read-only data
 *   exec-bootinfo    jump into the boot info (not executable)
 *   exec-data        jump into its own writable data (not executable)
 *   exec-stack       jump onto its stack (not executable)
 *   exec-private     jump to the fault stubs' page (0xE3000; kvm: supervisor-only)
 *   exec-null        call a null function pointer
 *   out-0x80         port I/O outside the TSS bitmap (outb to 0x80)
 *   out-unknown-port outw to 0x50D: open in the bitmap (the gate's 4-byte outs need it) but
 *                    no hypercall
 *   forge-fault      outl to the fault stubs' port 0x4FF with a fault frame of its own making
 *   forge-fault-outside  the same with a frame address outside guest memory
 *   forge-syscall    outl to the SYSCALL stub's port 0x4FD claiming system call 59 (execve)
 *   out8-hc-port     outb to the halt hypercall's port 0x509 (a hypercall is a 4-byte out)
 *   in-hc-port       inl from the walltime hypercall's port 0x500
 *   int80            int $0x80 (the i386 system-call gate)
 *   vmcall           the VMX hypercall instruction
 *   hlt              hlt at user privilege
 *   cpuid            print the VMX, SVM and hypervisor bits of CPUID (not a fault)
 *   spin             loop forever without a hypercall (for --timeout)
 *   spin-calls       loop forever making walltime hypercalls
 *   sleep            poll forever (timeout 2^64-1 ns) with no NIC to wake it
 *   shrink-monitor-stack  seccomp: find the monitor's gate stack pointer from the gate's code
 *                    (mov disp(%rip), %rsp), point it 1 KiB above the stack guard page, then
 *                    make a hypercall that throws (unknown number): the monitor overflows
 *                    into the guard page while serving it
 *   gate-regs        call the gate (walltime) and count the scratch registers that come back
 *                    holding an address outside guest memory, and the non-zero xmm registers
 * The written value is 0xC3 (ret): were a write to code to succeed, a later jump would run. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

static const unsigned char rodata[64] = {0xC3};
static unsigned char data[64] = {0xC3};

/* probe_gate(gate, nr, arg, out): calls the gate, then stores rax, rcx, rdx, rsi, rdi,
 * r8..r11 and the low halves of xmm0..xmm15 as the gate left them: out[0..8], out[9..24]. */
void probe_gate(uint64_t gate, uint64_t nr, uint64_t arg, uint64_t *out);
__asm__(".text\n.globl probe_gate\nprobe_gate:\n"
        "push %rbx\nmov %rcx, %rbx\nmov %rdi, %rax\nmov %rsi, %rdi\nmov %rdx, %rsi\n"
        "pcmpeqd %xmm0, %xmm0\nmovdqa %xmm0, %xmm1\n" /* non-zero before: a gate that leaves them shows */
        "call *%rax\n"
        "mov %rax, 0(%rbx)\nmov %rcx, 8(%rbx)\nmov %rdx, 16(%rbx)\nmov %rsi, 24(%rbx)\nmov %rdi, 32(%rbx)\n"
        "mov %r8, 40(%rbx)\nmov %r9, 48(%rbx)\nmov %r10, 56(%rbx)\nmov %r11, 64(%rbx)\n"
        "movq %xmm0, 72(%rbx)\nmovq %xmm1, 80(%rbx)\nmovq %xmm2, 88(%rbx)\nmovq %xmm3, 96(%rbx)\n"
        "movq %xmm4, 104(%rbx)\nmovq %xmm5, 112(%rbx)\nmovq %xmm6, 120(%rbx)\nmovq %xmm7, 128(%rbx)\n"
        "movq %xmm8, 136(%rbx)\nmovq %xmm9, 144(%rbx)\nmovq %xmm10, 152(%rbx)\nmovq %xmm11, 160(%rbx)\n"
        "movq %xmm12, 168(%rbx)\nmovq %xmm13, 176(%rbx)\nmovq %xmm14, 184(%rbx)\nmovq %xmm15, 192(%rbx)\n"
        "pop %rbx\nret\n");

static void poke(uint64_t addr)
{
    printf("writing 0x%llx\n", (unsigned long long)addr);
    *(volatile unsigned char *)(uintptr_t)addr = 0xC3;
}

static void jump(uint64_t addr)
{
    printf("jumping to 0x%llx\n", (unsigned long long)addr);
    ((void (*)(void))(uintptr_t)addr)();
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: hostile_memory WHAT\n");
        return 2;
    }
    const char *w = argv[1];
    const uint64_t boot = (uint64_t)(uintptr_t)uk_boot_info();
    volatile unsigned char stack_code[16] = {0xC3};
    if (strcmp(w, "write-bootinfo") == 0) {
        poke(boot);
    } else if (strcmp(w, "write-gate") == 0) {
        poke(0xFF000);
    } else if (strcmp(w, "write-pagetable") == 0) {
        poke(0x1000);
    } else if (strcmp(w, "read-pagetable") == 0) {
        printf("reading 0x1000\n");
        printf("read %u\n", *(volatile unsigned char *)(uintptr_t)0x1000);
    } else if (strcmp(w, "write-idt") == 0) {
        poke(0xE1000);
    } else if (strcmp(w, "write-rodata") == 0) {
        poke((uint64_t)(uintptr_t)rodata);
    } else if (strcmp(w, "exec-bootinfo") == 0) {
        jump(boot);
    } else if (strcmp(w, "exec-data") == 0) {
        jump((uint64_t)(uintptr_t)data);
    } else if (strcmp(w, "exec-stack") == 0) {
        jump((uint64_t)(uintptr_t)stack_code);
    } else if (strcmp(w, "exec-private") == 0) {
        jump(0xE3000);
    } else if (strcmp(w, "exec-null") == 0) {
        jump(0);
    } else if (strcmp(w, "out-0x80") == 0) {
        printf("port I/O\n");
        __asm__ volatile("outb %%al, $0x80" : : "a"(0));
    } else if (strcmp(w, "out-unknown-port") == 0) {
        printf("port I/O\n");
        __asm__ volatile("outw %%ax, %%dx" : : "a"(0), "d"(0x50D));
    } else if (strcmp(w, "forge-fault") == 0) {
        static uint64_t frame[7] = {14, 2, 0x123456, 0x23, 0x2, 0x7654321, 0x1b};
        printf("port I/O\n");
        __asm__ volatile("outl %%eax, %%dx" : : "a"((uint32_t)(uintptr_t)frame), "d"(0x4FF) : "memory");
    } else if (strcmp(w, "forge-fault-outside") == 0) {
        printf("port I/O\n");
        __asm__ volatile("outl %%eax, %%dx" : : "a"(0xFFFFFFF0u), "d"(0x4FF));
    } else if (strcmp(w, "forge-syscall") == 0) {
        printf("port I/O\n");
        __asm__ volatile("outl %%eax, %%dx" : : "a"(59), "d"(0x4FD));
    } else if (strcmp(w, "out8-hc-port") == 0) {
        printf("port I/O\n");
        __asm__ volatile("outb %%al, %%dx" : : "a"(7), "d"(0x509));
    } else if (strcmp(w, "in-hc-port") == 0) {
        unsigned v;
        printf("port I/O\n");
        __asm__ volatile("inl %%dx, %%eax" : "=a"(v) : "d"(0x500));
        printf("read %u\n", v);
    } else if (strcmp(w, "int80") == 0) {
        long r;
        printf("int 0x80\n");
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(20L) : "memory"); /* i386 getpid */
        printf("returned %ld\n", r);
    } else if (strcmp(w, "vmcall") == 0) {
        long r;
        printf("vmcall\n");
        __asm__ volatile("vmcall" : "=a"(r) : "a"(9L), "b"(0L), "c"(0L), "d"(0L) : "memory");
        printf("returned %ld\n", r);
    } else if (strcmp(w, "hlt") == 0) {
        printf("hlt\n");
        __asm__ volatile("hlt");
    } else if (strcmp(w, "cpuid") == 0) {
        unsigned a, b, c, d, ext_c;
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
        __asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(ext_c), "=d"(d) : "a"(0x80000001u), "c"(0));
        printf("vmx=%u svm=%u hypervisor=%u\n", (c >> 5) & 1, (ext_c >> 2) & 1, (c >> 31) & 1);
        return 0;
    } else if (strcmp(w, "shrink-monitor-stack") == 0) {
        const unsigned char *gate = (const unsigned char *)(uintptr_t)uk_boot_info()->hypercall_gate;
        if (gate[3] != 0x48 || gate[4] != 0x8b || gate[5] != 0x25) {
            printf("the gate is not the seccomp trampoline\n");
            return 3;
        }
        int32_t disp;
        memcpy(&disp, gate + 6, sizeof disp);
        volatile uint64_t *stack_top = (volatile uint64_t *)(gate + 10 + disp);
        *stack_top = uk_boot_info()->heap_end + 4096 + 1024;
        printf("monitor stack moved\n");
        ((void (*)(uint64_t, uint64_t))(uintptr_t)uk_boot_info()->hypercall_gate)(99, 0);
    } else if (strcmp(w, "gate-regs") == 0) {
        static struct uk_hc_walltime wt;
        static uint64_t out[25];
        probe_gate(uk_boot_info()->hypercall_gate, UK_HC_WALLTIME, (uint64_t)(uintptr_t)&wt, out);
        unsigned outside = 0, xmm = 0;
        for (int i = 0; i < 9; ++i)
            outside += out[i] >= uk_boot_info()->mem_size;
        for (int i = 9; i < 25; ++i)
            xmm += out[i] != 0;
        printf("gprs outside guest memory: %u, non-zero xmm: %u, rax=0x%llx\n", outside, xmm, (unsigned long long)out[0]);
        return 0;
    } else if (strcmp(w, "spin") == 0) {
        printf("spinning\n");
        for (volatile uint64_t i = 0;; ++i) {
        }
    } else if (strcmp(w, "spin-calls") == 0) {
        printf("spinning with hypercalls\n");
        for (;;)
            uk_walltime_ns();
    } else if (strcmp(w, "sleep") == 0) {
        printf("sleeping\n");
        for (;;)
            uk_poll(UINT64_MAX, 0);
    } else {
        printf("unknown: %s\n", w);
        return 2;
    }
    printf("survived\n");
    return 1;
}
