// The seccomp backend's process-wide state: what the gate's dispatcher and the signal
// handlers need once the guest runs in this process. Set once, in prepare().
#pragma once
#include <cstdint>

#include "monitor/run.hpp"

namespace ukmon::seccomp {

struct ProcessState {
    Run* run = nullptr;
    // True while the monitor runs (set-up, then each hypercall): a fault or a refused call
    // then is the monitor's; otherwise it is the guest's, wherever its rip is (a guest may
    // jump to 0, into the unmapped monitor-private range, or into the monitor's own code).
    volatile bool in_monitor = true;
};

extern ProcessState state;

// SIGSYS (a refused system call) and fault signals: name them, end the run through
// Run::conclude. Uses a preallocated alternate stack so a guest stack overflow is reported.
void install_signal_handlers();

}  // namespace ukmon::seccomp
