// Default behaviour shared by backends.
#include "backends/backend.hpp"

#include "monitor/sandbox/policy_print.hpp"

namespace ukmon {

void Backend::print_filter(std::FILE* out, const SyscallPolicy& policy) const {
    print_policy(out, policy, name());
}

}  // namespace ukmon
