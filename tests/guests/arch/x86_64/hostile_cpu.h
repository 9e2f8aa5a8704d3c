/* hostile_memory's x86_64 modes (see hostile_memory.c): port I/O to the kvm backend's ports,
 * forged fault and system-call reports, int 0x80, vmcall, hlt, cpuid, and the two that go after
 * the seccomp gate (shrink-monitor-stack, gate-regs). */
#ifndef HOSTILE_CPU_H
#define HOSTILE_CPU_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

#define HOSTILE_NOT_MINE (-1) /* not one of this CPU's modes */
#define HOSTILE_SURVIVED (-2) /* it ran and came back: hostile_memory says "survived" */

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

static int hostile_cpu(const char *w)
{
    if (strcmp(w, "out-0x80") == 0) {
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
        printf("gprs outside guest memory: %u, non-zero vector registers: %u, return register: 0x%llx\n", outside, xmm,
               (unsigned long long)out[0]);
        return 0;
    } else {
        return HOSTILE_NOT_MINE;
    }
    return HOSTILE_SURVIVED;
}

#endif
