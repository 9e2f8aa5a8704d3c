/* The seccomp backend's two crossings between monitor and guest, in one process.
 *
 * ukmon_seccomp_enter(entry, stack_top, boot_info): the jump to the guest: its stack, the
 * boot info in %rdi, no monitor values left in registers.
 *
 * ukmon_seccomp_gate(nr, arg): the hypercall gate the boot info points at. The guest calls
 * it like a function; it moves to the monitor's own stack (the guest's may be small or
 * hostile), keeps the guest's stack pointer and callee-saved registers at the top of that
 * stack (where a core file finds them: guest_stop.cpp), clears the direction flag as C
 * expects, runs ukmon_seccomp_dispatch, and returns on the guest's stack. */
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
    pop %rsp
    ret
    .size ukmon_seccomp_gate, . - ukmon_seccomp_gate

    .section .note.GNU-stack, "", @progbits
