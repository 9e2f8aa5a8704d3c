// Where the guest stopped: its x86_64 registers and the signal a process would have died of.
// Filled by the backend that stopped it (kvm: the vCPU and the fault stub's frame; seccomp:
// the signal's ucontext or the registers the hypercall gate saved) and written into core
// files (--dumpcore). Plain fixed-size data: it travels inside RunOutcome.
#pragma once
#include <sys/user.h>

#include <cstdint>

namespace ukmon::x86 {

struct Registers {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rip, rflags;
    uint64_t cs, ss, ds, es, fs, gs;
    uint64_t fs_base, gs_base;

    uint64_t ip() const { return rip; }     // the names the core uses on every architecture
    uint64_t stack() const { return rsp; }
};

// The POSIX signal Linux delivers for an x86 exception vector (#PF -> SIGSEGV, #UD ->
// SIGILL, #DE -> SIGFPE, #BP -> SIGTRAP, ...), so a kvm core reads like a process core.
int signal_for_vector(uint64_t vector);

// The registers as a process core's NT_PRSTATUS carries them (gdb reads them there).
user_regs_struct to_user_regs(const Registers& r);

}  // namespace ukmon::x86
