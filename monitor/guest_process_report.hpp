// What the guest's process leaves for the guardian (monitor/guardian.hpp) when a seccomp run
// ends: the outcome as the monitor code in that process saw it, the registers, the counters.
// It lives in one shared page the guest can write at any time, so for the guardian it is
// hostile input: copied once by value, then validated by a pure function (fuzzed).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include <ukmon/abi.h>

#include "monitor/module.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon {

struct GuestProcessReport {
    static constexpr uint64_t complete = 0x5452504552555547ull;  // "GUEREPRT": set last
    uint64_t magic = 0;
    RunOutcome outcome;
    int32_t exit_code = 0;
    uint64_t guest_start_ns = 0;
    std::array<uint64_t, UK_HC_MAX> hypercall_counts{}, hypercall_ns{};
    uint64_t console_bytes = 0;
    uint64_t cookie_len = 0;
    std::array<std::byte, UK_HALT_COOKIE_MAX> cookie{};
    uint32_t device_count = 0;
    struct Device {
        char type[8];
        char name[UK_DEVICE_NAME_MAX];
        uint64_t requests, bytes_in, bytes_out;
    };
    std::array<Device, UK_MAX_DEVICES> devices{};
};

// The guest's process, in Run::finish: fills `out` (allocation-free) and marks it complete.
void write_guest_process_report(GuestProcessReport& out, const RunOutcome& outcome, int exit_code,
                                uint64_t guest_start_ns, const RunContext& ctx, std::span<Module* const> modules);

// What the guardian may use of a report, after checking it.
struct CheckedReport {
    RunOutcome outcome;
    int exit_code = 0;
    uint64_t guest_start_ns = 0;
    // Counters, console bytes, halt cookie (no memory: the guest's process is gone).
    RunContext figures{GuestMemory(nullptr, 0, 0), 1, {}, {}, false, {}, 0};
    std::array<GuestProcessReport::Device, UK_MAX_DEVICES> devices{};  // strings NUL-terminated
    size_t device_count = 0;
    // The devices as the stats report takes them; they point into this object.
    size_t device_counters(std::span<DeviceCounters> out) const;
};

// nullopt unless the copy is complete and every field is in range: a known outcome kind, a
// status only for a halt, an exit code 0..255 that agrees with the kind, bounded lengths.
// Strings are cut at their buffer's end (they are escaped where printed). Pure.
std::optional<CheckedReport> check_guest_process_report(const GuestProcessReport& copy);

}  // namespace ukmon
