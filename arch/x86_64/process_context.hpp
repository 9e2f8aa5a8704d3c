// The seccomp backend's x86_64 part: the guest's registers and faults as a signal's
// ucontext gives them, and as the hypercall gate (seccomp_trampoline.S) saved them.
#pragma once
#include <signal.h>
#include <ucontext.h>

#include <cstdint>

#include "arch/x86_64/faults.hpp"
#include "arch/x86_64/registers.hpp"
#include "monitor/guest_memory.hpp"

namespace ukmon::x86 {

Registers registers_from_ucontext(const ucontext_t& uc);
// The fault the kernel reports for a guest exception (trap number, error code, CR2).
CpuFault fault_from_ucontext(const siginfo_t& info, const ucontext_t& uc);
// Inside a hypercall: the guest as it will be right after the gate returns. `top` is the
// monitor stack's top (the gate's saves lie below it); the return address is read from the
// guest's stack through `mem` (0 if that stack lies outside guest memory).
Registers registers_at_gate(const uint64_t* top, const GuestMemory& mem);

}  // namespace ukmon::x86
