// File-descriptor hygiene at start-up: the monitor runs with stdio and the devices it opens
// itself, nothing inherited. Every fd the monitor opens is close-on-exec (O_CLOEXEC,
// SOCK_CLOEXEC, MFD_CLOEXEC; KVM's VM and vCPU fds are created close-on-exec by the kernel).
#pragma once

namespace ukmon {

// Makes fds 0, 1 and 2 open (a closed one becomes /dev/null, so no device opened later can
// land on fd 1 and receive the guest's console output), then closes every fd above 2 that
// the process inherited (close_range; a loop up to RLIMIT_NOFILE on kernels without it).
// Call first thing in main, before anything is opened. HostError if /dev/null cannot open.
void sanitize_inherited_fds();

}  // namespace ukmon
