// Defaults shared by backends.
#include "backends/backend.hpp"

namespace ukmon {

void Backend::print_filter_extra(std::FILE*, const SyscallPolicy&) const {}

}  // namespace ukmon
