// The three ways a run can fail, said once. Thrown, and caught in one place (main).
#pragma once
#include <stdexcept>
#include <string>

namespace ukmon {

// Bad input from the user: CLI flags, the ELF, the manifest, disk images, TAP names.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// The guest broke the ABI or memory safety; the run ends with this diagnosis.
struct GuestFault : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A host system call failed; the message ends with errno's description.
struct HostError : std::runtime_error {
    HostError(const std::string& what, int err);
};

// Throws HostError(what, errno) — for the common `if (call() < 0) throw_errno("...")`.
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace ukmon
