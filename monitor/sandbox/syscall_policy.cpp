// SyscallPolicy helpers.
#include "monitor/sandbox/syscall_policy.hpp"

#include <algorithm>

namespace ukmon {

std::vector<int> SyscallPolicy::distinct_syscalls() const {
    std::vector<int> out;
    for (auto& r : rules_)
        if (std::find(out.begin(), out.end(), r.nr) == out.end()) out.push_back(r.nr);
    return out;
}

}  // namespace ukmon
