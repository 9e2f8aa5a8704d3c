// The monitor's thread pointer (FS base) under a guest that may set its own. A Solo5 spt
// guest shares the monitor's process and sets FS (arch_prctl ARCH_SET_FS) for its TLS; a
// signal handler that then runs monitor code would find the guest's FS where glibc keeps
// its thread data. Handlers that can interrupt such a guest call restore() first.
#pragma once
#include <sys/syscall.h>

#include <cstdint>

#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::x86 {

// The system call a guest sets its thread pointer with (the filter may allow it: Solo5 spt).
inline constexpr long set_thread_pointer_syscall = __NR_arch_prctl;  // ARCH_SET_FS

// Lets the guest set its FS base (arch_prctl ARCH_SET_FS only): Solo5 spt's TLS call.
void allow_set_thread_pointer(SyscallPolicy& policy, const std::string& owner, const std::string& why);

// Records the current FS base as the monitor's (before lockdown).
void record_thread_pointer();
// Arms restore(): only when the filter lets the guest set FS, since restore() makes that
// very call. No system call.
void arm_thread_pointer_restore();
// Sets FS back to the monitor's if armed: a raw arch_prctl, touches no thread-local data.
// Async-signal-safe; the first statement of a handler.
void restore_thread_pointer();

}  // namespace ukmon::x86
