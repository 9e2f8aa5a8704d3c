// --timeout=SECONDS: an exit action that ends a guest still running after SECONDS of wall
// clock with exit code 251 and a diagnosis saying where it was. One SIGALRM, armed before
// the filter; its handler never returns (no rt_sigreturn is allowed) but ends the run
// through conclude(), whose calls (write, fsync, exit_group, and alarm(0)) the filter allows.
#pragma once
#include <cstdint>
#include <span>

#include "monitor/guest_image.hpp"
#include "monitor/module.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::timeout {

// The guest's instruction pointer when the timer fired, for the diagnosis; false when it is
// not known (e.g. the monitor was serving a hypercall). Runs in the signal handler.
using GuestRipFn = bool (*)(const void* ucontext, void* arg, uint64_t& rip);

// The rule conclude() needs when a timeout is armed: alarm(0), which cancels the timer.
void add_syscall_rules(SyscallPolicy& policy, uint64_t seconds);

// Starts the timer: after `seconds` (0: no timeout) the run ends as RunOutcome::Kind::timeout.
// Call after the backend's own signal set-up (its alternate stack) and before the filter.
void arm(uint64_t seconds, std::span<Module* const> modules, const GuestImage& image, GuestRipFn rip, void* arg);

// conclude() calls this first. From then on the timer cannot interrupt the exit actions:
// it is cancelled, and a signal already on its way finishes this same conclusion instead.
void enter_conclude(const RunOutcome& outcome, std::span<Module* const> modules);

}  // namespace ukmon::timeout
