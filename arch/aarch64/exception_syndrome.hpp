// Naming an aarch64 guest's CPU fault from its syndrome: the vector entry taken and ESR_EL1,
// FAR_EL1, ELR_EL1. Pure and allocation-free (it runs after
// lockdown); unit-tested with synthetic syndromes on any host.
#pragma once
#include <cstddef>
#include <cstdint>

#include "monitor/guest_image.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::a64 {

struct CpuFault {
    unsigned vector = 0;      // vector entry 0..15 (8: synchronous from EL0, the usual one)
    uint64_t esr = 0, far = 0, elr = 0;
    uint64_t sp_el0 = 0;
    uint64_t x8 = 0;          // the system-call number register of Linux's aarch64 ABI
};

inline constexpr unsigned vector_sync_el0 = 8;

uint32_t exception_class(uint64_t esr);     // ESR_EL1.EC
const char* exception_class_name(uint32_t ec);  // "undefined instruction", "data abort", ...
const char* vector_name(unsigned vector);   // "synchronous exception from EL0", ...
bool is_svc(const CpuFault& f);             // an SVC at EL0 (a system call)

// "guest crashed: data abort: write of address 0x0 (translation fault, level 1)\n  pc=..."
// `syscall_name` names x8 for an SVC (the monitor's table), may be null.
RunOutcome describe_fault(const CpuFault& f, const GuestImage& img, const char* syscall_name);

// The signal a core file records for the fault (SIGSEGV for an abort, SIGILL, ...).
int signal_for_fault(const CpuFault& f);

}  // namespace ukmon::a64
