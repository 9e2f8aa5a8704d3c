// Where the guest stopped: its aarch64 registers. Filled by the backend that stopped it
// (seccomp: the signal's ucontext or the registers the hypercall gate saved) and written into
// core files (--dumpcore). Plain fixed-size data: it travels inside RunOutcome.
#pragma once
#include <sys/user.h>

#include <cstdint>

namespace ukmon::a64 {

struct Registers {
    uint64_t x[31];      // x0..x30 (x29 the frame pointer, x30 the link register)
    uint64_t sp, pc, pstate;
    uint64_t tpidr_el0;  // the thread pointer (0 when unknown)

    uint64_t ip() const { return pc; }     // the names the core uses on every architecture
    uint64_t stack() const { return sp; }
};

// The registers as a process core's NT_PRSTATUS carries them (gdb reads them there).
user_regs_struct to_user_regs(const Registers& r);

}  // namespace ukmon::a64
