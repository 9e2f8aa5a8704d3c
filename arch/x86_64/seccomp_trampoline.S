/* The seccomp backend's two crossings between monitor and guest, in one process.
 *
 * ukmon_seccomp_enter(entry, stack_top, boot_info): the jump to the guest: its stack, the
 * boot info in %rdi, no monitor values left in registers.
 *
 * ukmon_seccomp_gate(nr, arg): the hypercall gate the boot info points at. The guest calls
 * it like a function; it moves to the monitor's own stack (the guest's may be small or
 * hostile), keeps the guest's stack pointer and callee-saved registers at the top of that
 * stack (where a core file finds them: guest_stop.cpp), clears the direction flag as C
 * expects, runs ukmon_seccomp_dispatch, and returns on the guest's stack. The gate returns
 * nothing (abi.h: void): every register the C code may have left a monitor value in (rax,
 * the argument and scratch registers, xmm0..15) is zeroed, so no monitor pointer reaches
 * the guest through it. */
    .text
    .globl ukmon_seccomp_enter
    .type ukmon_seccomp_enter, @function
ukmon_seccomp_enter:
    mov %rdi, %rax
    mov %rsi, %rsp
    mov %rdx, %rdi
    xor %ebx, %ebx
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %ebp, %ebp
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    xor %r12d, %r12d
    xor %r13d, %r13d
    xor %r14d, %r14d
    xor %r15d, %r15d
    jmp *%rax
    .size ukmon_seccomp_enter, . - ukmon_seccomp_enter

    .globl ukmon_seccomp_gate
    .type ukmon_seccomp_gate, @function
ukmon_seccomp_gate:
    mov %rsp, %rax
    mov ukmon_seccomp_stack_top(%rip), %rsp
    push %rax               /* top - 8: the guest's stack pointer */
    push %rbx               /* top - 16 .. top - 56: its callee-saved registers */
    push %rbp
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp            /* 16-byte alignment at the call */
    cld
    call ukmon_seccomp_dispatch
    add $56, %rsp           /* the copies (dispatch preserved the registers themselves) */
    xor %eax, %eax
    xor %ecx, %ecx
    xor %edx, %edx
    xor %esi, %esi
    xor %edi, %edi
    xor %r8d, %r8d
    xor %r9d, %r9d
    xor %r10d, %r10d
    xor %r11d, %r11d
    pxor %xmm0, %xmm0
    pxor %xmm1, %xmm1
    pxor %xmm2, %xmm2
    pxor %xmm3, %xmm3
    pxor %xmm4, %xmm4
    pxor %xmm5, %xmm5
    pxor %xmm6, %xmm6
    pxor %xmm7, %xmm7
    pxor %xmm8, %xmm8
    pxor %xmm9, %xmm9
    pxor %xmm10, %xmm10
    pxor %xmm11, %xmm11
    pxor %xmm12, %xmm12
    pxor %xmm13, %xmm13
    pxor %xmm14, %xmm14
    pxor %xmm15, %xmm15
    pop %rsp
    ret
    .size ukmon_seccomp_gate, . - ukmon_seccomp_gate

    .section .note.GNU-stack, "", @progbits
