// --timeout=SECONDS: one SIGALRM, armed before the filter, that ends a guest still running
// after SECONDS of wall clock (Run::on_deadline: exit code 251, a diagnosis saying where it
// was). Its handler never returns (no rt_sigreturn is allowed): it ends the run through
// Run::conclude, which disarms the timer first (alarm(0), allowed by the policy).
#pragma once
#include <cstdint>

#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::deadline {

// alarm(0), which Run::conclude needs when a deadline is armed.
void add_syscall_rules(SyscallPolicy& policy, uint64_t seconds);
// After the backend's own signal set-up (its alternate stack) and before the filter: the
// handler, and the timer unless `timer` is false (a guardian keeps the time and sends the
// SIGALRM itself: monitor/guardian.hpp).
void arm(uint64_t seconds, bool timer);
// Cancels a timer not yet fired (nothing if none was armed).
void disarm();

}  // namespace ukmon::deadline
