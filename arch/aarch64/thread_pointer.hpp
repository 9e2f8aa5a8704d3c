// The monitor's thread pointer (TPIDR_EL0) under a guest that may set its own. On aarch64 a
// program writes TPIDR_EL0 with one unprivileged instruction (msr), no system call: any guest
// may change it, so whatever monitor code a guest can enter (the gate, signal handlers) puts
// the monitor's back first — glibc keeps errno and its thread data behind it.
#pragma once
#include <cstdint>

#include "monitor/sandbox/syscall_policy.hpp"

extern "C" uint64_t ukmon_monitor_tpidr;  // read by the gate (seccomp_trampoline.S)

namespace ukmon::a64 {

// None: msr tpidr_el0 needs no system call (and the filter cannot stop it).
inline constexpr long set_thread_pointer_syscall = -1;

// Nothing to allow: a guest sets TPIDR_EL0 without a system call.
inline void allow_set_thread_pointer(SyscallPolicy&, const std::string&, const std::string&) {}

// Records the current TPIDR_EL0 as the monitor's (before lockdown).
void record_thread_pointer();
// Kept for the x86_64 interface: restore() is always armed here (no system call to allow).
void arm_thread_pointer_restore();
// Sets TPIDR_EL0 back to the monitor's: one msr. Async-signal-safe; the first statement of a
// handler.
void restore_thread_pointer();

}  // namespace ukmon::a64
