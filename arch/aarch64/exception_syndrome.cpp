// ESR_EL1 decoding into the diagnosis's words (see exception_syndrome.hpp).
#include "arch/aarch64/exception_syndrome.hpp"

#include <csignal>
#include <cstdio>

namespace ukmon::a64 {
namespace {

enum : uint32_t {
    ec_unknown = 0x00, ec_wfx = 0x01, ec_fp_access = 0x07, ec_illegal_state = 0x0E, ec_svc = 0x15,
    ec_sysreg = 0x18, ec_sve = 0x19, ec_iabort_lower = 0x20, ec_iabort_same = 0x21, ec_pc_align = 0x22,
    ec_dabort_lower = 0x24, ec_dabort_same = 0x25, ec_sp_align = 0x26, ec_fp_exc = 0x2C,
    ec_serror = 0x2F, ec_bkpt_lower = 0x30, ec_step_lower = 0x32, ec_watch_lower = 0x34, ec_brk = 0x3C,
};

bool is_abort(uint32_t ec) {
    return ec == ec_iabort_lower || ec == ec_iabort_same || ec == ec_dabort_lower || ec == ec_dabort_same;
}

// The fault status code of an abort (ISS bits 5:0).
const char* fault_status(uint32_t fsc) {
    switch (fsc & 0x3C) {
        case 0x04: return "translation fault";
        case 0x08: return "access flag fault";
        case 0x0C: return "permission fault";
        default: break;
    }
    switch (fsc) {
        case 0x00: case 0x01: case 0x02: case 0x03: return "address size fault";
        case 0x10: return "synchronous external abort";
        case 0x21: return "alignment fault";
        case 0x30: return "TLB conflict abort";
        default: return "other fault status";
    }
}

void symbol_suffix(char* out, size_t size, uint64_t addr, const GuestImage& img) {
    out[0] = '\0';
    if (const GuestSymbol* f = img.function_at(addr))
        std::snprintf(out, size, " (%s+0x%llx)", f->name.c_str(), (unsigned long long)(addr - f->addr));
}

uint32_t exception_class(uint64_t esr) { return uint32_t(esr >> 26) & 0x3F; }

// The same words as the seccomp backend's arch/aarch64/faults.cpp (armbase), so that a test
// expects one line for both backends. To be folded into it once both are merged.
const char* exception_class_name(uint32_t ec) {
    switch (ec) {
        case ec_unknown: return "undefined instruction (EC 0x00)";
        case ec_wfx: return "WFI/WFE trapped (EC 0x01)";
        case ec_fp_access: return "SIMD/FP access trapped (EC 0x07)";
        case ec_illegal_state: return "illegal execution state (EC 0x0e)";
        case ec_svc: return "SVC instruction (EC 0x15)";
        case ec_sysreg: return "system register access trapped (EC 0x18)";
        case ec_sve: return "SVE access trapped (EC 0x19)";
        case ec_iabort_lower: return "instruction abort (EC 0x20)";
        case ec_iabort_same: return "instruction abort (EC 0x21)";
        case ec_pc_align: return "PC alignment fault (EC 0x22)";
        case ec_dabort_lower: return "data abort (EC 0x24)";
        case ec_dabort_same: return "data abort (EC 0x25)";
        case ec_sp_align: return "SP alignment fault (EC 0x26)";
        case ec_fp_exc: return "floating-point exception (EC 0x2c)";
        case ec_serror: return "SError (EC 0x2f)";
        case ec_bkpt_lower: case ec_bkpt_lower + 1: return "breakpoint (EC 0x30)";
        case ec_step_lower: case ec_step_lower + 1: return "software step (EC 0x32)";
        case ec_watch_lower: case ec_watch_lower + 1: return "watchpoint (EC 0x34)";
        case ec_brk: return "BRK instruction (EC 0x3c)";
        default: return "unknown exception class";
    }
}

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
    const uint32_t ec = exception_class(f.esr);
    char what[192];
    if (f.vector != vector_sync_el0) {
        std::snprintf(what, sizeof what, "%s", vector_name(f.vector));
    } else if (ec == ec_svc) {
        // The x86_64 kvm backend's words for SYSCALL: one expectation for both architectures.
        std::snprintf(what, sizeof what,
                      "system call instruction, number %llu (%s); a unikernel has no kernel, use hypercalls",
                      (unsigned long long)f.x8, syscall_name ? syscall_name : "?");
    } else if (is_abort(ec)) {
        bool fetch = ec == ec_iabort_lower || ec == ec_iabort_same;
        bool write = !fetch && (f.esr & (1u << 6));  // WnR
        uint32_t fsc = uint32_t(f.esr) & 0x3F;
        char level[16] = "";
        if ((fsc & 0x30) == 0 && fsc >= 0x04) std::snprintf(level, sizeof level, ", level %u", fsc & 3);
        std::snprintf(what, sizeof what, "%s: %s of address 0x%llx (%s%s)", exception_class_name(ec),
                      fetch ? "instruction fetch" : write ? "write" : "read", (unsigned long long)f.far,
                      fault_status(fsc), level);
    } else {
        std::snprintf(what, sizeof what, "%s", exception_class_name(ec));
    }
    char sym[160];
    symbol_suffix(sym, sizeof sym, f.elr, img);
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
