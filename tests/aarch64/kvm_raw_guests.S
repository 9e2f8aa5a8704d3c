// Raw guests for kvm_raw_test: each scenario is 128 bytes of EL0 code at 0x100000 + 128*i,
// run on the monitor's tables, gate and vectors without the rest of the monitor.
    .section .rodata.guest, "a"
    .balign 4096
    .globl guest_code
guest_code:
// 0: PUTS(0x101000); FP/SIMD, CNTVCT_EL0 and DC ZVA at EL0 must not trap; HALT(0x101040)
s_hc:
    movz x9, #0xF, lsl #16
    movk x9, #0xF000
    movz x0, #1
    movz x1, #0x10, lsl #16
    movk x1, #0x1000
    blr x9
    fmov d0, #1.0
    fadd d0, d0, d0
    mrs x2, cntvct_el0
    movz x1, #0x10, lsl #16
    movk x1, #0x1000
    dc zva, x1
    movz x9, #0xF, lsl #16
    movk x9, #0xF000
    movz x0, #9
    movz x1, #0x10, lsl #16
    movk x1, #0x1040
    blr x9
    b .
    .balign 128
s_null:     // 1
    mov x1, #0
    ldr x0, [x1]
    b .
    .balign 128
s_wtext:    // 2
    adr x1, .
    str x0, [x1]
    b .
    .balign 128
s_udf:      // 3
    .word 0
    b .
    .balign 128
s_svc:      // 4
    mov x8, #64
    svc #0
    b .
    .balign 128
s_badnr:    // 5
    movz x9, #0xF, lsl #16
    movk x9, #0xF000
    mov x0, #99
    mov x1, #0
    blr x9
    b .
    .balign 128
s_misuse:   // 6: a 4-byte store to the hypercall window
    movz x9, #1, lsl #32
    str w0, [x9]
    b .
    .balign 128
s_stp:      // 7: a store pair (KVM cannot decode it)
    movz x9, #1, lsl #32
    stp x0, x1, [x9]
    b .
    .balign 128
s_forge:    // 8: EL0 forging a fault report
    movz x9, #1, lsl #32
    movk x9, #0x1040
    str xzr, [x9]
    b .
    .balign 128
s_wfi:      // 9
    wfi
    b .
    .balign 128
s_far:      // 10: beyond memory, inside the 39-bit range, unmapped
    movz x9, #0x40, lsl #32
    ldr x0, [x9]
    b .
    .balign 4096
    .globl guest_code_end
guest_code_end:
    .section .note.GNU-stack, "", %progbits
