// Turning a SyscallPolicy into a seccomp BPF program (with libseccomp) and installing it.
// The default action is TRAP, not KILL: the kernel still refuses the call, and SIGSYS lets
// the monitor name the call before it ends the process (see signals.cpp).
#pragma once
#include <linux/filter.h>

#include <cstdio>
#include <vector>

#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::sandbox {

// How libseccomp lays the program out. `fast` (what runs): the hot system calls (disk I/O,
// TAP and console writes, TAP reads, the clock, poll) tried first, so each is decided in few
// instructions; `plain`: libseccomp's default order. The same rules
// either way: the tests run both on the same calls and compare every decision.
enum class FilterLayout { fast, plain };

std::vector<sock_filter> compile_filter(const SyscallPolicy& policy, FilterLayout layout = FilterLayout::fast);

// libseccomp's pseudo-filter-code rendering of the same filter.
void print_pfc(std::FILE* out, const SyscallPolicy& policy);

// PR_SET_NO_NEW_PRIVS and seccomp(SECCOMP_SET_MODE_FILTER) with raw system calls, so that
// nothing allocates between building the program and the first guest instruction.
void install_filter(const std::vector<sock_filter>& program);

// After the filter, a GuestFault's exception object is the only allocation left; make sure
// malloc serves it from memory it already has and never gives memory back (brk/munmap), and
// that the unwinder has done its one-time set-up.
void reserve_heap();

// For a monitor that locks itself down (kvm): a refused call is a monitor bug; say which
// call with write only, then exit 253.
void install_monitor_sigsys_handler();

}  // namespace ukmon::sandbox
