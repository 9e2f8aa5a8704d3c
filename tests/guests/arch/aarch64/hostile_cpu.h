/* hostile_memory's aarch64 modes (see hostile_memory.c): the two that go after the seccomp
 * gate. The x86 ones (port I/O, int 0x80, vmcall, hlt, cpuid) have no aarch64 meaning here. */
#ifndef HOSTILE_CPU_H
#define HOSTILE_CPU_H
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

#define HOSTILE_NOT_MINE (-1) /* not one of this CPU's modes */
#define HOSTILE_SURVIVED (-2) /* it ran and came back: hostile_memory says "survived" */

/* probe_gate(gate, nr, arg, out): sets v0..v31 non-zero and x2..x17 zero, calls the gate,
 * then stores x0..x17 (the registers a call may change, x18 aside) and the low halves of v0..v31 as the gate
 * left them: out[0..17], out[18..49]. */
void probe_gate(uint64_t gate, uint64_t nr, uint64_t arg, uint64_t *out);
__asm__(".text\n.globl probe_gate\nprobe_gate:\n"
        "stp x29, x30, [sp, #-32]!\nstr x19, [sp, #16]\nmov x19, x3\nmov x16, x0\nmov x0, x1\nmov x1, x2\n"
        "movi v0.2d, #0xffffffffffffffff\nmovi v1.2d, #0xffffffffffffffff\nmovi v8.2d, #0xffffffffffffffff\n"
        "movi v16.2d, #0xffffffffffffffff\nmovi v31.2d, #0xffffffffffffffff\n"
        /* scratch registers zero before: what is outside guest memory after, the gate left */
        "mov x2, xzr\nmov x3, xzr\nmov x4, xzr\nmov x5, xzr\nmov x6, xzr\nmov x7, xzr\nmov x8, xzr\n"
        "mov x9, xzr\nmov x10, xzr\nmov x11, xzr\nmov x12, xzr\nmov x13, xzr\nmov x14, xzr\nmov x15, xzr\n"
        "mov x17, xzr\n"
        "blr x16\n"
        "stp x0, x1, [x19, #0]\nstp x2, x3, [x19, #16]\nstp x4, x5, [x19, #32]\nstp x6, x7, [x19, #48]\n"
        "stp x8, x9, [x19, #64]\nstp x10, x11, [x19, #80]\nstp x12, x13, [x19, #96]\nstp x14, x15, [x19, #112]\n"
        "stp x16, x17, [x19, #128]\n"
        "stp d0, d1, [x19, #144]\nstp d2, d3, [x19, #160]\nstp d4, d5, [x19, #176]\nstp d6, d7, [x19, #192]\n"
        "stp d16, d17, [x19, #272]\nstp d18, d19, [x19, #288]\nstp d20, d21, [x19, #304]\nstp d22, d23, [x19, #320]\n"
        "stp d24, d25, [x19, #336]\nstp d26, d27, [x19, #352]\nstp d28, d29, [x19, #368]\nstp d30, d31, [x19, #384]\n"
        "mov v0.d[0], v8.d[1]\nmov v1.d[0], v9.d[1]\nmov v2.d[0], v10.d[1]\nmov v3.d[0], v11.d[1]\n"
        "mov v4.d[0], v12.d[1]\nmov v5.d[0], v13.d[1]\nmov v6.d[0], v14.d[1]\nmov v7.d[0], v15.d[1]\n"
        "stp d0, d1, [x19, #208]\nstp d2, d3, [x19, #224]\nstp d4, d5, [x19, #240]\nstp d6, d7, [x19, #256]\n"
        "ldr x19, [sp, #16]\nldp x29, x30, [sp], #32\nret\n");
/* For v8..v15 the probe stores the upper halves: AAPCS64 keeps their low halves across a call
 * (the guest's own values, set before), so what the gate must clear is the rest. */

/* The monitor's dispatch-stack pointer, found from the seccomp gate's code (arch/aarch64/
 * seccomp_trampoline.S: mov x9, sp; adrp x10, SYM; ldr x10, [x10, #:lo12:SYM]), or 0. */
static volatile uint64_t *gate_stack_slot(const uint32_t *gate)
{
    uint32_t adrp = gate[1], ldr = gate[2];
    if ((adrp & 0x9F00001Fu) != 0x9000000Au || (ldr & 0xFFC003FFu) != 0xF940014Au)
        return 0;
    int64_t imm = (int64_t)((((adrp >> 5) & 0x7FFFF) << 2) | ((adrp >> 29) & 3));
    if (imm & (1 << 20))
        imm -= 1 << 21;
    uint64_t page = ((uint64_t)(uintptr_t)&gate[1] & ~0xFFFull) + (uint64_t)(imm << 12);
    return (volatile uint64_t *)(uintptr_t)(page + ((ldr >> 10) & 0xFFF) * 8);
}

static int hostile_cpu(const char *w)
{
    if (strcmp(w, "shrink-monitor-stack") == 0) {
        volatile uint64_t *stack_top = gate_stack_slot((const uint32_t *)(uintptr_t)uk_boot_info()->hypercall_gate);
        if (!stack_top) {
            printf("the gate is not the seccomp trampoline\n");
            return 3;
        }
        *stack_top = uk_boot_info()->heap_end + 4096 + 1024;
        printf("monitor stack moved\n");
        ((void (*)(uint64_t, uint64_t))(uintptr_t)uk_boot_info()->hypercall_gate)(99, 0);
    } else if (strcmp(w, "gate-regs") == 0) {
        static struct uk_hc_walltime wt;
        static uint64_t out[50];
        probe_gate(uk_boot_info()->hypercall_gate, UK_HC_WALLTIME, (uint64_t)(uintptr_t)&wt, out);
        unsigned outside = 0, vec = 0;
        for (int i = 0; i < 18; ++i)
            outside += out[i] >= uk_boot_info()->mem_size;
        for (int i = 18; i < 50; ++i)
            vec += out[i] != 0;
        printf("gprs outside guest memory: %u, non-zero vector registers: %u, return register: 0x%llx\n", outside, vec,
               (unsigned long long)out[0]);
        return 0;
    } else {
        return HOSTILE_NOT_MINE;
    }
    return HOSTILE_SURVIVED;
}

#endif
