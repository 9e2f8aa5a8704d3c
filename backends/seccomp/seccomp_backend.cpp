// Placeholder until the seccomp backend lands.
#include "backends/backend.hpp"
#include "monitor/error.hpp"

namespace ukmon {
std::unique_ptr<Backend> make_seccomp_backend() { throw UsageError("seccomp backend: not built yet"); }
}  // namespace ukmon
