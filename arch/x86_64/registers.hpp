// Where the guest stopped: its x86_64 registers and the signal a process would have died of.
// Filled by the backend that stopped it (kvm: the vCPU and the fault stub's frame; seccomp:
// the signal's ucontext or the registers the hypercall gate saved) and written into core
// files (--dumpcore). Plain fixed-size data: it travels inside RunOutcome.
#pragma once
#include <cstdint>

namespace ukmon::x86 {

struct Registers {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint64_t cs, ss, ds, es, fs, gs;
    uint64_t fs_base, gs_base;
};

// The POSIX signal Linux delivers for an x86 exception vector (#PF -> SIGSEGV, #UD ->
// SIGILL, #DE -> SIGFPE, #BP -> SIGTRAP, ...), so a kvm core reads like a process core.
int signal_for_vector(uint64_t vector);

}  // namespace ukmon

namespace ukmon {

struct GuestStop {
    bool known = false;     // false: no registers (e.g. the monitor failed, not the guest)
    int signal = 0;         // SIGSEGV, SIGILL, SIGFPE, SIGSYS, SIGABRT (ABI violation); 0: halt
    bool in_hypercall = false;  // stopped while the monitor served a hypercall
    x86::Registers regs{};  // for a stop inside a hypercall: as right after the gate returns
};

}  // namespace ukmon
