// --stats=FILE: what one run did, as one JSON object written at every ending (halt, crash,
// kill, timeout, host error, or a failure before the guest started). The clock marks and the
// formatter are allocation-free: the report is written inside the seccomp filter.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "monitor/module.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::stats {

// CLOCK_MONOTONIC in nanoseconds (the vDSO; the syscall fallback is in the core's rules).
uint64_t now_ns();

// When the run started and when its guest did (Run keeps them). Boot time runs from
// monitor_start (the first statement of main) to guest_start (the last statement before the
// first guest instruction: after the filter is installed, right before the jump (seccomp) or
// the first KVM_RUN (kvm)). It leaves out the kernel's exec and the C runtime's start-up
// before main, a few hundred microseconds.
struct RunTimes {
    uint64_t monitor_start_ns = 0;
    uint64_t guest_start_ns = 0;  // 0: the guest never started
};

struct ScrubReport {
    bool done = false;
    uint64_t pages_checked = 0;  // 4 KiB pages of guest RAM looked at
    uint64_t pages_zeroed = 0;   // of those, the ones that held non-zero bytes
};

// Everything the report says. Pointers may be null (a run that ended before boot).
struct Report {
    const char* program = "";
    const char* backend = "";     // "kvm", "seccomp"; "" if the run ended before the backend ran
    uint64_t mem_bytes = 0;
    const RunOutcome* outcome = nullptr;
    const char* kind = nullptr;   // overrides kind_name(outcome->kind), e.g. "usage_error"
    int exit_code = 0;
    const RunContext* ctx = nullptr;  // hypercall counts and times, console bytes, halt cookie
    // Who counted: "monitor", or "guest_process" (seccomp: a process the guest shares and
    // can write, so its counts, reason and registers may be forged).
    const char* figures_from = "monitor";
    uint64_t monitor_start_ns = 0, guest_start_ns = 0, end_ns = 0;
    std::span<const DeviceCounters> devices;
    const char* core_path = nullptr;  // the core file written, if any
    ScrubReport scrub;
};

// Formats the JSON object (with a trailing newline) into buf. Returns its length, or 0 if
// it does not fit (the caller's buffer is sized so that it always does).
size_t format_json(char* buf, size_t size, const Report& r);

// The outcome kind as the report names it: "halted", "crashed", "killed", "timeout", "stopped",
// "host_error".
const char* kind_name(RunOutcome::Kind k);

}  // namespace ukmon::stats
