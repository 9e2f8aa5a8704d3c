// File-descriptor hygiene at start-up: the monitor runs with stdio and the devices it opens
// itself, nothing inherited. Every fd the monitor opens is close-on-exec (O_CLOEXEC,
// SOCK_CLOEXEC, MFD_CLOEXEC; KVM's VM and vCPU fds are created close-on-exec by the kernel).
#pragma once
#include <span>
#include <string_view>
#include <vector>

namespace ukmon {

// Makes fds 0, 1 and 2 open (a closed one becomes /dev/null, so no device opened later can
// land on fd 1 and receive the guest's console output), then closes every fd above 2 that
// the process inherited (close_range; a loop up to RLIMIT_NOFILE on kernels without it),
// except those in `keep`. Call first thing in main, before anything is opened. HostError if
// /dev/null cannot open.
void sanitize_inherited_fds(std::span<const int> keep = {});

// The inherited fds the command line hands to a device: the N of every --WORD:NAME=@N (as
// Solo5's tenders take --net:NAME=@N), N > 2, among the options (before "--" or the first
// word that is not an option). The module that owns WORD decides whether it takes an fd.
std::vector<int> fds_named_by_options(std::span<const std::string_view> args);

}  // namespace ukmon
