// Describing x86_64 exceptions the same way for every backend.
#include "arch/x86_64/faults.hpp"

#include <csignal>
#include <cstdio>

#include "arch/x86_64/registers.hpp"

namespace ukmon::x86 {

const char* exception_name(uint64_t v) {
    static constexpr const char* names[32] = {
        "divide error (#DE)", "debug (#DB)", "NMI", "breakpoint (#BP)", "overflow (#OF)",
        "bound range (#BR)", "invalid opcode (#UD)", "device not available (#NM)",
        "double fault (#DF)", "coprocessor segment overrun", "invalid TSS (#TS)",
        "segment not present (#NP)", "stack fault (#SS)", "general protection fault (#GP)",
        "page fault (#PF)", "reserved vector 15", "x87 floating-point error (#MF)",
        "alignment check (#AC)", "machine check (#MC)", "SIMD floating-point error (#XM)",
        "virtualization exception (#VE)", "control protection (#CP)", "reserved vector 22",
        "reserved vector 23", "reserved vector 24", "reserved vector 25", "reserved vector 26",
        "reserved vector 27", "hypervisor injection (#HV)", "VMM communication (#VC)",
        "security exception (#SX)", "reserved vector 31"};
    return v < 32 ? names[v] : "unknown exception";
}

RunOutcome describe_fault(const CpuFault& f, const GuestImage& img) {
    char detail[128] = "";
    if (f.vector == 14) {
        const char* access = (f.error_code & 16) ? "instruction fetch" : (f.error_code & 2) ? "write" : "read";
        std::snprintf(detail, sizeof detail, ": %s of address 0x%llx (%s)", access,
                      (unsigned long long)f.fault_addr, (f.error_code & 1) ? "protection" : "not mapped");
    }
    char sym[160];
    format_symbol(sym, sizeof sym, f.rip, img);
    return RunOutcome::make(RunOutcome::Kind::crashed,
                            "guest crashed: %s%s\n  rip=0x%llx%s rsp=0x%llx error_code=0x%llx",
                            exception_name(f.vector), detail, (unsigned long long)f.rip, sym,
                            (unsigned long long)f.rsp, (unsigned long long)f.error_code);
}

int signal_for_vector(uint64_t v) {
    switch (v) {
        case 0: case 7: case 16: case 19: return SIGFPE;  // #DE, #NM, #MF, #XM
        case 1: case 3: return SIGTRAP;                   // #DB, #BP
        case 6: return SIGILL;                            // #UD
        case 12: case 17: return SIGBUS;                  // #SS, #AC
        default: return SIGSEGV;                          // #PF, #GP, #NP, #TS, #DF, ...
    }
}

}  // namespace ukmon::x86
