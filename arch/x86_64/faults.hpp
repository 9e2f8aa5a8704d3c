// One vocabulary for guest CPU faults on both backends: kvm reads them from the fault
// stub's frame, seccomp from the signal's ucontext (trap number and error code), and both
// report them through describe_fault(). Allocation-free: it runs in signal handlers.
#pragma once
#include <cstdint>

#include "monitor/guest_image.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::x86 {

struct CpuFault {
    uint64_t vector = 0;       // x86 exception number (14 = page fault)
    uint64_t error_code = 0;
    uint64_t fault_addr = 0;   // CR2 for a page fault
    uint64_t rip = 0, rsp = 0;
};

const char* exception_name(uint64_t vector);  // "page fault (#PF)"

// "guest crashed: page fault (#PF): write of address 0x8 (not mapped)\n  rip=... (fn+0x4) ..."
RunOutcome describe_fault(const CpuFault& f, const GuestImage& img);

using ukmon::format_symbol;  // monitor/guest_image.hpp: the same on every architecture

}  // namespace ukmon::x86
