/* The seccomp backend's two crossings between monitor and guest on aarch64, in one process.
 *
 * ukmon_seccomp_enter(entry, stack_top, boot_info): the jump to the guest: its stack, the
 * boot info in x0, no monitor values left in general registers.
 *
 * ukmon_seccomp_gate(nr, arg): the hypercall gate the boot info points at. The guest calls
 * it like a function (blr); it moves to the monitor's own stack (the guest's may be small or
 * hostile), keeps the guest's sp, link register, frame pointer, callee-saved x19..x28 and
 * thread pointer below that stack's top (where a core file finds them: process_context.cpp),
 * puts the monitor's thread pointer back (a guest may set TPIDR_EL0 with one msr; glibc's
 * errno lives behind it), runs ukmon_seccomp_dispatch, and returns on the guest's stack with
 * the guest's thread pointer. The gate returns nothing (abi.h: void): every register the C
 * code may have left a monitor value in (x0..x18, v0..v7, v16..v31 and the upper halves of
 * v8..v15) is zeroed, so no monitor pointer reaches the guest through it. */
    .text
    .globl ukmon_seccomp_enter
    .type ukmon_seccomp_enter, %function
ukmon_seccomp_enter:
    mov x16, x0
    mov sp, x1
    mov x0, x2
    mov x1, xzr
    mov x2, xzr
    mov x3, xzr
    mov x4, xzr
    mov x5, xzr
    mov x6, xzr
    mov x7, xzr
    mov x8, xzr
    mov x9, xzr
    mov x10, xzr
    mov x11, xzr
    mov x12, xzr
    mov x13, xzr
    mov x14, xzr
    mov x15, xzr
    mov x17, xzr
    mov x18, xzr
    mov x19, xzr
    mov x20, xzr
    mov x21, xzr
    mov x22, xzr
    mov x23, xzr
    mov x24, xzr
    mov x25, xzr
    mov x26, xzr
    mov x27, xzr
    mov x28, xzr
    mov x29, xzr
    mov x30, xzr
    br x16
    .size ukmon_seccomp_enter, . - ukmon_seccomp_enter

    .globl ukmon_seccomp_gate
    .type ukmon_seccomp_gate, %function
ukmon_seccomp_gate:
    mov x9, sp
    adrp x10, ukmon_seccomp_stack_top
    ldr x10, [x10, :lo12:ukmon_seccomp_stack_top]
    mov sp, x10
    stp x30, x9, [sp, #-16]!    /* top - 16: the return address, top - 8: the guest's sp */
    stp x28, x29, [sp, #-16]!
    stp x26, x27, [sp, #-16]!
    stp x24, x25, [sp, #-16]!
    stp x22, x23, [sp, #-16]!
    stp x20, x21, [sp, #-16]!
    mrs x11, tpidr_el0
    stp x11, x19, [sp, #-16]!   /* top - 112: the guest's thread pointer */
    adrp x12, ukmon_monitor_tpidr
    ldr x12, [x12, :lo12:ukmon_monitor_tpidr]
    msr tpidr_el0, x12
    mov x29, xzr                /* the monitor's frame chain starts here */
    bl ukmon_seccomp_dispatch
    ldp x11, x19, [sp], #16
    msr tpidr_el0, x11
    ldp x20, x21, [sp], #16
    ldp x22, x23, [sp], #16
    ldp x24, x25, [sp], #16
    ldp x26, x27, [sp], #16
    ldp x28, x29, [sp], #16
    ldp x30, x9, [sp], #16
    mov sp, x9
    mov x0, xzr
    mov x1, xzr
    mov x2, xzr
    mov x3, xzr
    mov x4, xzr
    mov x5, xzr
    mov x6, xzr
    mov x7, xzr
    mov x8, xzr
    mov x9, xzr
    mov x10, xzr
    mov x11, xzr
    mov x12, xzr
    mov x13, xzr
    mov x14, xzr
    mov x15, xzr
    mov x16, xzr
    mov x17, xzr
    mov x18, xzr
    movi v0.2d, #0
    movi v1.2d, #0
    movi v2.2d, #0
    movi v3.2d, #0
    movi v4.2d, #0
    movi v5.2d, #0
    movi v6.2d, #0
    movi v7.2d, #0
    fmov d8, d8                 /* keeps the low half AAPCS64 preserves, zeroes the upper */
    fmov d9, d9
    fmov d10, d10
    fmov d11, d11
    fmov d12, d12
    fmov d13, d13
    fmov d14, d14
    fmov d15, d15
    movi v16.2d, #0
    movi v17.2d, #0
    movi v18.2d, #0
    movi v19.2d, #0
    movi v20.2d, #0
    movi v21.2d, #0
    movi v22.2d, #0
    movi v23.2d, #0
    movi v24.2d, #0
    movi v25.2d, #0
    movi v26.2d, #0
    movi v27.2d, #0
    movi v28.2d, #0
    movi v29.2d, #0
    movi v30.2d, #0
    movi v31.2d, #0
    ret
    .size ukmon_seccomp_gate, . - ukmon_seccomp_gate

    .section .note.GNU-stack, "", %progbits
