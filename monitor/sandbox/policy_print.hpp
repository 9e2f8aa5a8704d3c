// Prints a SyscallPolicy as a readable table: syscall, argument restriction, owner, why.
#pragma once
#include <cstdio>

#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {
void print_policy(std::FILE* out, const SyscallPolicy& policy, const char* backend);
const char* syscall_name(int nr);  // from the table generated from libseccomp at build time
}
