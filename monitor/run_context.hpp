// The state of one run that hypercall handlers see: guest memory, console, halt request,
// per-call counters. One per process.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

#include <ukmon/abi.h>

#include "monitor/guest_memory.hpp"

namespace ukmon {

struct HaltRequest {
    uint64_t status = 0;
    std::array<std::byte, UK_HALT_COOKIE_MAX> cookie{};
    size_t cookie_len = 0;
};

struct RunContext {
    GuestMemory mem;           // the guest-visible range: hypercalls may name only this
    int console_fd = 1;
    std::optional<HaltRequest> halt;
    std::array<uint64_t, UK_HC_MAX> hypercall_counts{};
    // --stats: time spent in each hypercall's handler (only measured when time_hypercalls),
    // and the bytes puts wrote to the console.
    bool time_hypercalls = false;
    std::array<uint64_t, UK_HC_MAX> hypercall_ns{};
    uint64_t console_bytes = 0;
};

}  // namespace ukmon
