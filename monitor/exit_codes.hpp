// Process exit codes. 0..UK_HALT_STATUS_MAX belong to the guest; the rest are the monitor's.
#pragma once
#include <ukmon/abi.h>

namespace ukmon::exit_code {

inline constexpr int guest_max = UK_HALT_STATUS_MAX;  // 247: highest status a guest may halt with
inline constexpr int stopped = 250;        // SIGTERM, SIGINT or SIGHUP stopped the run (exit actions ran)
inline constexpr int timeout = 251;        // the guest ran past --timeout
inline constexpr int usage = 252;          // bad CLI flag, ELF, manifest or device
inline constexpr int host_error = 253;     // the host failed us (KVM, mmap, I/O)
inline constexpr int killed = 254;         // seccomp: the guest made a forbidden system call
inline constexpr int crash = 255;          // the guest faulted or broke the ABI

}  // namespace ukmon::exit_code
