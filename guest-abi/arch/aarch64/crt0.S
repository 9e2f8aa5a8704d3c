/* Guest entry on aarch64: the monitor jumps here with the boot info's address in x0 and sp
 * at the top of guest memory. End the frame chain, align sp as AAPCS64 wants (16 bytes) and
 * enter C. */
    .section .text.uk_start, "ax"
    .globl _start
    .type _start, %function
_start:
    mov x29, #0             /* ends the frame chain for debuggers */
    mov x30, #0
    mov x1, sp
    and x1, x1, #-16
    mov sp, x1
    bl uk_start_c           /* never returns */
    brk #0
    .size _start, . - _start
    .section .note.GNU-stack, "", %progbits
