// The seccomp backend's aarch64 part: the guest's registers and faults as a signal's
// ucontext gives them (mcontext and its esr_context record), and as the hypercall gate
// (seccomp_trampoline.S) saved them.
#pragma once
#include <signal.h>
#include <ucontext.h>

#include <cstdint>

#include "arch/aarch64/faults.hpp"
#include "arch/aarch64/registers.hpp"
#include "monitor/guest_memory.hpp"

namespace ukmon::a64 {

Registers registers_from_ucontext(const ucontext_t& uc);
// The syndrome (ESR from the esr_context record, when the kernel gave one) and the fault
// address of the exception behind a signal.
CpuFault fault_from_ucontext(const siginfo_t& info, const ucontext_t& uc);
// Inside a hypercall: the guest as it will be right after the gate returns (pc = its link
// register, the callee-saved registers the gate saved below `top`, the monitor stack's
// top). `mem` is unused on aarch64: the return address is in a register, not on the stack.
Registers registers_at_gate(const uint64_t* top, const GuestMemory& mem);

// The ESR in a signal frame's records (mcontext __reserved: a chain of {magic, size}), or
// false. Bounded by the record area; a record of size 0 or past the end stops the walk.
bool find_esr(const unsigned char* records, size_t size, uint64_t& esr);

}  // namespace ukmon::a64
