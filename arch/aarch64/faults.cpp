// Describing aarch64 exceptions the same way for every backend (see faults.hpp). The names
// follow the Arm ARM's ESR_ELx.EC and the data/instruction fault status codes.
#include "arch/aarch64/faults.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>

namespace ukmon::a64 {
namespace {

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

bool is_abort(uint32_t ec) { return ec == 0x20 || ec == 0x21 || ec == 0x24 || ec == 0x25; }

}  // namespace

const char* exception_class_name(uint32_t ec) {
    switch (ec) {
        case 0x00: return "undefined instruction (EC 0x00)";
        case 0x01: return "WFI/WFE trapped (EC 0x01)";
        case 0x07: return "SIMD/FP access trapped (EC 0x07)";
        case 0x0E: return "illegal execution state (EC 0x0e)";
        case 0x15: return "SVC instruction (EC 0x15)";
        case 0x16: return "HVC instruction (EC 0x16)";
        case 0x17: return "SMC instruction (EC 0x17)";
        case 0x18: return "system register access trapped (EC 0x18)";
        case 0x20: return "instruction abort (EC 0x20)";
        case 0x21: return "instruction abort (EC 0x21)";
        case 0x22: return "PC alignment fault (EC 0x22)";
        case 0x24: return "data abort (EC 0x24)";
        case 0x25: return "data abort (EC 0x25)";
        case 0x26: return "SP alignment fault (EC 0x26)";
        case 0x2C: return "floating-point exception (EC 0x2c)";
        case 0x2F: return "SError (EC 0x2f)";
        case 0x30: case 0x31: return "breakpoint (EC 0x30)";
        case 0x32: case 0x33: return "software step (EC 0x32)";
        case 0x34: case 0x35: return "watchpoint (EC 0x34)";
        case 0x3C: return "BRK instruction (EC 0x3c)";
        default: return "unknown exception class";
    }
}

RunOutcome describe_fault(const CpuFault& f, const GuestImage& img) {
    char what[96];
    char detail[160] = "";
    if (f.esr_known) {
        uint32_t ec = exception_class(f.esr);
        std::snprintf(what, sizeof what, "%s", exception_class_name(ec));
        if (is_abort(ec)) {
            uint32_t fsc = uint32_t(f.esr) & 0x3F;
            bool fetch = ec == 0x20 || ec == 0x21, write = !fetch && (f.esr & (1u << 6));
            char level[16] = "";
            if ((fsc & 0x30) == 0 && fsc >= 0x04) std::snprintf(level, sizeof level, ", level %u", fsc & 3);
            std::snprintf(detail, sizeof detail, ": %s of address 0x%llx (%s%s)",
                          fetch ? "instruction fetch" : write ? "write" : "read",
                          (unsigned long long)f.fault_addr, fault_status(fsc), level);
        }
    } else {
        // No syndrome: name what the kernel delivered (SIGILL for an undefined instruction).
        const char* abbrev = sigabbrev_np(f.signal);
        std::snprintf(what, sizeof what, "signal SIG%s", abbrev ? abbrev : "?");
        if (f.signal == SIGSEGV || f.signal == SIGBUS)
            std::snprintf(detail, sizeof detail, ": address 0x%llx", (unsigned long long)f.fault_addr);
    }
    char sym[160];
    format_symbol(sym, sizeof sym, f.pc, img);
    return RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: %s%s\n  pc=0x%llx%s sp=0x%llx esr=0x%llx", what,
                            detail, (unsigned long long)f.pc, sym, (unsigned long long)f.sp,
                            (unsigned long long)f.esr);
}

}  // namespace ukmon::a64
