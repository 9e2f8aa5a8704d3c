// The random hypercall: bytes from the host kernel's getrandom(2), on both backends.
#pragma once
#include "monitor/dispatcher.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {
void register_random_hypercall(Dispatcher& d);
// getrandom with flags 0 and a short length only: what the handler itself calls.
void add_random_rules(SyscallPolicy& p);
}  // namespace ukmon
