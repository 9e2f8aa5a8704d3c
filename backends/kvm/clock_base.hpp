// The boot info's clock base, read the same way on every architecture: the guest's counter
// (x86_64: the TSC by KVM_GET_MSRS; aarch64: the virtual counter by KVM_GET_ONE_REG) between
// two reads of the host's wall clock, the midpoint taken as its instant. The pair is as
// exact as that bracket is short.
#pragma once
#include <time.h>

#include <cstdint>

#include "monitor/personality.hpp"

namespace ukmon::kvm {

// `read_counter(value)` returns false when the host will not say: then no clock base ({0, 0}),
// and the guest asks the walltime hypercall.
template <class ReadCounter>
ClockBase bracketed_clock_base(ReadCounter read_counter) {
    timespec before{}, after{};
    uint64_t counter = 0;
    ::clock_gettime(CLOCK_REALTIME, &before);
    bool ok = read_counter(counter);
    ::clock_gettime(CLOCK_REALTIME, &after);
    if (!ok) return {};
    auto ns = [](const timespec& t) { return uint64_t(t.tv_sec) * 1000000000ull + uint64_t(t.tv_nsec); };
    return {counter, ns(before) + (ns(after) - ns(before)) / 2};
}

}  // namespace ukmon::kvm
