// The kvm vectors' report in the diagnosis's words (see exception_syndrome.hpp). A synchronous
// exception from EL0 is described by arch/aarch64/faults.cpp, as under seccomp (one wording
// per architecture); what only kvm sees (an SVC, another vector) is said here.
#include "arch/aarch64/exception_syndrome.hpp"

#include <csignal>
#include <cstdio>

#include "arch/aarch64/faults.hpp"

namespace ukmon::a64 {
namespace {

enum : uint32_t {
    ec_unknown = 0x00, ec_wfx = 0x01, ec_fp_access = 0x07, ec_illegal_state = 0x0E, ec_svc = 0x15,
    ec_sysreg = 0x18, ec_sve = 0x19, ec_pc_align = 0x22, ec_sp_align = 0x26, ec_fp_exc = 0x2C,
    ec_bkpt_lower = 0x30, ec_step_lower = 0x32, ec_watch_lower = 0x34, ec_brk = 0x3C,
};

}  // namespace

const char* vector_name(unsigned v) {
    static constexpr const char* names[16] = {
        "synchronous exception at EL1 on SP_EL0", "IRQ at EL1 on SP_EL0",
        "FIQ at EL1 on SP_EL0", "SError at EL1 on SP_EL0",
        "synchronous exception at EL1 (in the monitor's vectors)", "IRQ at EL1 (in the monitor's vectors)",
        "FIQ at EL1 (in the monitor's vectors)", "SError at EL1 (in the monitor's vectors)",
        "synchronous exception from EL0", "IRQ from EL0",
        "FIQ from EL0", "SError from EL0",
        "synchronous exception from EL0 in AArch32", "IRQ from EL0 in AArch32",
        "FIQ from EL0 in AArch32", "SError from EL0 in AArch32",
    };
    return v < 16 ? names[v] : "unknown vector";
}

bool is_svc(const VectorReport& f) { return f.vector == vector_sync_el0 && exception_class(f.esr) == ec_svc; }

RunOutcome describe_vector_report(const VectorReport& f, const GuestImage& img, const char* syscall_name) {
    if (f.vector == vector_sync_el0 && !is_svc(f)) {
        CpuFault c;
        c.esr_known = true;
        c.esr = f.esr;
        c.fault_addr = f.far;
        c.pc = f.elr;
        c.sp = f.sp_el0;
        return describe_fault(c, img);
    }
    char what[192];
    if (is_svc(f))  // the x86_64 kvm backend's words for SYSCALL: one expectation for both
        std::snprintf(what, sizeof what, "system call instruction, number %llu (%s); a unikernel has no kernel, use hypercalls",
                      (unsigned long long)f.x8, syscall_name ? syscall_name : "?");
    else
        std::snprintf(what, sizeof what, "%s", vector_name(f.vector));
    char sym[160];
    format_symbol(sym, sizeof sym, f.elr, img);
    return RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: %s\n  pc=0x%llx%s sp=0x%llx esr=0x%llx",
                            what, (unsigned long long)f.elr, sym, (unsigned long long)f.sp_el0,
                            (unsigned long long)f.esr);
}

int signal_for_report(const VectorReport& f) {
    if (f.vector != vector_sync_el0) return SIGSEGV;
    switch (exception_class(f.esr)) {
        case ec_unknown: case ec_illegal_state: case ec_sysreg: case ec_wfx: case ec_sve: case ec_fp_access:
            return SIGILL;
        case ec_pc_align: case ec_sp_align: return SIGBUS;
        case ec_fp_exc: return SIGFPE;
        case ec_brk: case ec_bkpt_lower: case ec_step_lower: case ec_watch_lower: return SIGTRAP;
        case ec_svc: return SIGSYS;
        default: return SIGSEGV;
    }
}

}  // namespace ukmon::a64
