// HostError formatting: "what: strerror(errno)".
#include "monitor/error.hpp"

#include <cerrno>
#include <cstring>

namespace ukmon {

// strerrordesc_np, not strerror: no locale look-up, so no lock (futex), which a monitor
// locked down by its filter may not take when a host error ends a run after lockdown.
HostError::HostError(const std::string& what, int err)
    : std::runtime_error(what + ": " + (strerrordesc_np(err) ? strerrordesc_np(err) : "unknown error")) {}

void throw_errno(const std::string& what) { throw HostError(what, errno); }

}  // namespace ukmon
