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
};

extern ProcessState state;

// SIGSYS (a refused system call) and fault signals: name them, run exit actions, end.
// Uses a preallocated alternate stack so a guest stack overflow is reported too.
void install_signal_handlers();

}  // namespace ukmon::seccomp
