// HostError formatting: "what: strerror(errno)".
#include "monitor/error.hpp"

#include <cerrno>
#include <cstring>

namespace ukmon {

HostError::HostError(const std::string& what, int err)
    : std::runtime_error(what + ": " + std::strerror(err)), error_number(err) {}

void throw_errno(const std::string& what) { throw HostError(what, errno); }

}  // namespace ukmon
