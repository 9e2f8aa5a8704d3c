/* Guest entry: the monitor jumps here with the boot info's address in %rdi and %rsp at the
 * top of guest memory. Align the stack as the SysV ABI wants and enter C. */
    .section .text.uk_start, "ax"
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp          /* ends the frame chain for debuggers */
    and $-16, %rsp
    call uk_start_c         /* never returns */
    ud2
    .size _start, . - _start
    .section .note.GNU-stack, "", @progbits
