/* Code the kvm backend copies into guest memory (never run in the monitor itself):
 * the hypercall gate (user, page 0xFF000) and the fault stubs the IDT points at
 * (supervisor). Position independent: only relative jumps. Ports: see x86_64_layout.hpp. */

#include <ukmon/abi.h>
#define HYPERCALL_PORT_BASE 0x500
#define EXCEPTION_PORT 0x4FF
#define BAD_GATE_CALL_PORT 0x4FE
#define SYSCALL_PORT 0x4FD

    .section .rodata.ukmon_guest_stubs, "a"

/* void gate(uint64_t nr, uint64_t arg): one `out` per hypercall, the port names the call
 * and eax carries the argument's guest address. A number or address the port cannot carry
 * goes to BAD_GATE_CALL_PORT instead of being silently aliased. */
    .globl ukmon_gate_code, ukmon_gate_code_end
ukmon_gate_code:
    cmp $UK_HC_COUNT, %rdi
    jae 1f
    mov %rsi, %rax
    shr $32, %rax
    jnz 1f
    lea HYPERCALL_PORT_BASE(%rdi), %edx
    mov %esi, %eax
    out %eax, (%dx)
    ret
1:  mov $BAD_GATE_CALL_PORT, %edx
    out %eax, (%dx)
    ud2

/* SYSCALL lands here (MSR_LSTAR): a unikernel has no kernel to call, so report the system
 * call number (eax) and stop. It sits in the user-executable gate page because PVM hosts
 * stay at CPL3 on SYSCALL while VT-x moves to CPL0 (no SMEP, so both can run it). */
    .globl ukmon_syscall_stub
    .balign 64
ukmon_syscall_stub:
    mov $SYSCALL_PORT, %edx
    out %eax, (%dx)
    ud2
ukmon_gate_code_end:

/* Fault stubs, 16 bytes apart: push a zero error code where the CPU pushes none, push the
 * vector, save the guest's rdx and rax (the `out` needs them) just below the frame, then
 * report the frame's address on EXCEPTION_PORT. The monitor ends the run, or (--gdb, for a
 * breakpoint or single step) resumes the guest by doing this stub's IRET itself. */
    .globl ukmon_fault_stubs, ukmon_fault_stubs_end
    .balign 16
ukmon_fault_stubs:
    .irp vec, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    .balign 16
    .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
    .else
    pushq $0
    .endif
    pushq $\vec
    jmp fault_common
    .endr
    .balign 16
fault_common:
    push %rdx                   /* frame - 8  */
    push %rax                   /* frame - 16 */
    lea 16(%rsp), %rax
    mov $EXCEPTION_PORT, %edx
    out %eax, (%dx)
2:  hlt
    jmp 2b

ukmon_fault_stubs_end:

    .section .note.GNU-stack, "", @progbits
