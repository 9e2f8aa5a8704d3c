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
 * The modes from out-0x80 to gate-regs are the CPU's (tests/guests/arch/ARCH/hostile_cpu.h;
 * aarch64 has shrink-monitor-stack and gate-regs, with its own registers):
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

#include "hostile_cpu.h"

static const unsigned char rodata[64] = {0xC3};
static unsigned char data[64] = {0xC3};

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
    int cpu;
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
    } else if ((cpu = hostile_cpu(w)) != HOSTILE_NOT_MINE) {
        if (cpu != HOSTILE_SURVIVED)
            return cpu;
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
