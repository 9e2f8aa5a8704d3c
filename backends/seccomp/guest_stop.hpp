// Where the guest stopped under the seccomp backend, for core files (--dumpcore): from a
// signal's ucontext (a fault, a refused system call), or from the registers the hypercall
// gate saved (a halt, or an ABI violation found while serving a call).
#pragma once
#include <ucontext.h>

#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::seccomp {

// The registers of the signal's interrupted context: the guest's, at the faulting
// instruction (or right after a refused SYSCALL).
GuestStop stop_from_signal(int sig, const ucontext_t& uc);

// Inside ukmon_seccomp_dispatch: the guest as it will be right after its call to the gate
// returns (rip = the return address, rsp above it, the callee-saved registers the gate
// saved; the caller-saved ones are dead across a call and are reported as 0). signal 0 for
// a halt, SIGABRT for an ABI violation. Reads the return address through `ctx.mem`.
GuestStop stop_at_gate(const RunContext& ctx, int signal);

// Run::conclude with the guest's registers at the gate filled in.
[[noreturn]] void conclude_at_gate(RunOutcome outcome, int signal);

// Backend::read_stop: in a hypercall, the guest at the gate; else the guest in the signal
// context `ucontext` (a ucontext_t, e.g. the deadline's); false when neither is known.
bool read_stop_now(int signal, const void* ucontext, GuestStop& out);

}  // namespace ukmon::seccomp
