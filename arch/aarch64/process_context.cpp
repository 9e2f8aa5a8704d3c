// aarch64 registers of a guest in the monitor's process (see process_context.hpp).
#include "arch/aarch64/process_context.hpp"

#include <asm/sigcontext.h>

#include <cstring>

namespace ukmon::a64 {

bool find_esr(const unsigned char* records, size_t size, uint64_t& esr) {
    size_t off = 0;
    while (size - off >= sizeof(_aarch64_ctx)) {
        _aarch64_ctx head;
        std::memcpy(&head, records + off, sizeof head);
        if (head.magic == 0 || head.size < sizeof head || head.size > size - off) return false;
        if (head.magic == ESR_MAGIC && head.size >= sizeof(esr_context)) {
            esr_context e;
            std::memcpy(&e, records + off, sizeof e);
            esr = e.esr;
            return true;
        }
        off += head.size;
    }
    return false;
}

Registers registers_from_ucontext(const ucontext_t& uc) {
    const mcontext_t& m = uc.uc_mcontext;
    Registers r{};
    std::memcpy(r.x, m.regs, sizeof r.x);
    r.sp = m.sp;
    r.pc = m.pc;
    r.pstate = m.pstate;
    r.tpidr_el0 = 0;  // not in the signal frame, and the handler has put the monitor's back
    return r;
}

CpuFault fault_from_ucontext(const siginfo_t& info, const ucontext_t& uc) {
    const mcontext_t& m = uc.uc_mcontext;
    CpuFault f;
    f.esr_known = find_esr(reinterpret_cast<const unsigned char*>(m.__reserved), sizeof m.__reserved, f.esr);
    f.fault_addr = reinterpret_cast<uintptr_t>(info.si_addr);
    f.signal = info.si_signo;
    f.pc = m.pc;
    f.sp = m.sp;
    return f;
}

Registers registers_at_gate(const uint64_t* top, const GuestMemory&) {
    // seccomp_trampoline.S, below the monitor stack's top: sp, x30, x29, x28 .. x19, tpidr_el0.
    Registers r{};
    r.sp = top[-1];
    r.x[30] = top[-2];
    r.pc = top[-2];   // the gate returns to the link register
    r.x[29] = top[-3];
    for (int i = 0; i < 10; ++i) r.x[28 - i] = top[-4 - i];  // x28 .. x19
    r.tpidr_el0 = top[-14];
    return r;
}

}  // namespace ukmon::a64
