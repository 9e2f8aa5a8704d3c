// Guest CPU faults on aarch64, in one vocabulary for every backend: the exception syndrome
// (ESR: its class and, for aborts, the access and the fault status) and the fault address
// (FAR). The seccomp backend reads them from the signal's esr_context; describe_fault()
// reports them. Allocation-free: it runs in signal handlers.
#pragma once
#include <cstdint>

#include "monitor/guest_image.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::a64 {

struct CpuFault {
    bool esr_known = false;   // the kernel gives the syndrome for aborts, not for every signal
    uint64_t esr = 0;         // ESR_ELx
    uint64_t fault_addr = 0;  // FAR for an abort (si_addr)
    int signal = 0;           // what the kernel made of it, when there is no syndrome
    uint64_t pc = 0, sp = 0;
};

inline uint32_t exception_class(uint64_t esr) { return uint32_t(esr >> 26) & 0x3F; }
const char* exception_class_name(uint32_t ec);  // "data abort (EC 0x24)"

// "guest crashed: data abort (EC 0x24): write of address 0x8 (translation fault, level 3)\n  pc=..."
RunOutcome describe_fault(const CpuFault& f, const GuestImage& img);

using ukmon::format_symbol;  // monitor/guest_image.hpp: the same on every architecture

}  // namespace ukmon::a64
