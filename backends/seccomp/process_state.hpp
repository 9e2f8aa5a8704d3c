// The seccomp backend's process-wide state: what the gate's dispatcher and the signal
// handlers need once the guest runs in this process. Set once, just before the jump.
#pragma once
#include <cstdint>

#include "backends/backend.hpp"
#include "monitor/run_context.hpp"

namespace ukmon::seccomp {

struct ProcessState {
    const Boot* boot = nullptr;
    RunContext* ctx = nullptr;
    uint64_t guest_low = 0, guest_end = 0;  // guest memory in this process
    bool contains(uint64_t addr) const { return addr >= guest_low && addr < guest_end; }
    // True while the monitor runs (set-up, then each hypercall): a fault or a refused call
    // then is the monitor's; otherwise it is the guest's, wherever its rip is (a guest may
    // jump to 0, into the unmapped monitor-private range, or into the monitor's own code).
    volatile bool in_monitor = true;
};

extern ProcessState state;

// SIGSYS (a refused system call) and fault signals: name them, run exit actions, end.
// Uses a preallocated alternate stack so a guest stack overflow is reported too.
void install_signal_handlers();

}  // namespace ukmon::seccomp
