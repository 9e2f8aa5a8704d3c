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

namespace ukmon {

bool SyscallPolicy::allows(uint64_t nr, const uint64_t (&args)[6]) const {
    for (const SyscallRule& r : rules_) {
        if (uint64_t(r.nr) != nr) continue;
        bool all = true;
        for (const ArgEquals& a : r.args) {
            uint64_t v = a.index < 6 ? args[a.index] : 0;
            all = all && (a.at_most ? v <= a.value : (v & a.mask) == a.value);
        }
        if (all) return true;
    }
    return false;
}

}  // namespace ukmon
