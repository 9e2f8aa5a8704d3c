// The seccomp policy as data: which system calls, restricted how, owned by whom and why.
// Built by the core, the backend and each linked module; the seccomp code only translates it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ukmon {

// A condition on one argument: (arg & mask) == value. mask ~0 means plain equality.
struct ArgEquals {
    unsigned index;
    uint64_t value;
    uint64_t mask = ~0ull;
    const char* label = nullptr;  // how --print-filter names the value ("KVM_RUN", "vcpu fd")
};

struct SyscallRule {
    int nr;                          // __NR_*
    std::vector<ArgEquals> args;     // all must hold; empty = any arguments
    std::string owner;               // "core", "seccomp backend", "blk", ...
    std::string why;                 // one line: who needs it
};

class SyscallPolicy {
public:
    void allow(int nr, std::vector<ArgEquals> args, std::string owner, std::string why) {
        rules_.push_back(SyscallRule{nr, std::move(args), std::move(owner), std::move(why)});
    }
    const std::vector<SyscallRule>& rules() const { return rules_; }
    // Distinct system call numbers allowed, in the order first named.
    std::vector<int> distinct_syscalls() const;

private:
    std::vector<SyscallRule> rules_;
};

}  // namespace ukmon
