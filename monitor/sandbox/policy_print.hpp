// Prints a SyscallPolicy as a readable table: syscall, argument restriction, owner, why.
#pragma once
#include <cstdio>

#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {
void print_policy(std::FILE* out, const SyscallPolicy& policy, const char* backend);
// An I/O thread's own filter, after the main one: the same table under its own heading.
void print_thread_policy(std::FILE* out, const SyscallPolicy& policy, const char* thread);
const char* syscall_name(int nr);  // from the table generated from libseccomp at build time
}
