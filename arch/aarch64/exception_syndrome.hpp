// Naming an aarch64 guest's CPU fault under kvm from what the monitor's EL1 vectors leave
// behind: the vector entry taken and ESR_EL1, FAR_EL1, ELR_EL1. A fault from EL0 is named by
// arch/aarch64/faults.hpp (the seccomp backend's words); an SVC at EL0 as the system call in
// x8. Pure and allocation-free (it runs after lockdown); unit-tested on any host.
#pragma once
#include <cstddef>
#include <cstdint>

#include "monitor/guest_image.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::a64 {

struct VectorReport {
    unsigned vector = 0;      // vector entry 0..15 (8: synchronous from EL0, the usual one)
    uint64_t esr = 0, far = 0, elr = 0;
    uint64_t sp_el0 = 0;
    uint64_t x8 = 0;          // the system-call number register of Linux's aarch64 ABI
};

inline constexpr unsigned vector_sync_el0 = 8;

const char* vector_name(unsigned vector);   // "synchronous exception from EL0", ...
bool is_svc(const VectorReport& f);             // an SVC at EL0 (a system call)

// "guest crashed: data abort: write of address 0x0 (translation fault, level 1)\n  pc=..."
// `syscall_name` names x8 for an SVC (the monitor's table), may be null.
RunOutcome describe_vector_report(const VectorReport& f, const GuestImage& img, const char* syscall_name);

// The signal a core file records for the fault (SIGSEGV for an abort, SIGILL, ...).
int signal_for_report(const VectorReport& f);

}  // namespace ukmon::a64
