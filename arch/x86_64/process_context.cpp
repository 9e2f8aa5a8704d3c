// x86_64 registers of a guest in the monitor's process (see process_context.hpp).
#include "arch/x86_64/process_context.hpp"

#include <cstring>

namespace ukmon::x86 {

Registers registers_from_ucontext(const ucontext_t& uc) {
    const greg_t* g = uc.uc_mcontext.gregs;
    Registers r{};
    r.rax = uint64_t(g[REG_RAX]);
    r.rbx = uint64_t(g[REG_RBX]);
    r.rcx = uint64_t(g[REG_RCX]);
    r.rdx = uint64_t(g[REG_RDX]);
    r.rsi = uint64_t(g[REG_RSI]);
    r.rdi = uint64_t(g[REG_RDI]);
    r.rbp = uint64_t(g[REG_RBP]);
    r.rsp = uint64_t(g[REG_RSP]);
    r.r8 = uint64_t(g[REG_R8]);
    r.r9 = uint64_t(g[REG_R9]);
    r.r10 = uint64_t(g[REG_R10]);
    r.r11 = uint64_t(g[REG_R11]);
    r.r12 = uint64_t(g[REG_R12]);
    r.r13 = uint64_t(g[REG_R13]);
    r.r14 = uint64_t(g[REG_R14]);
    r.r15 = uint64_t(g[REG_R15]);
    r.rip = uint64_t(g[REG_RIP]);
    r.rflags = uint64_t(g[REG_EFL]);
    uint64_t csgsfs = uint64_t(g[REG_CSGSFS]);  // cs, gs, fs, ss: 16 bits each
    r.cs = csgsfs & 0xFFFF;
    r.gs = (csgsfs >> 16) & 0xFFFF;
    r.fs = (csgsfs >> 32) & 0xFFFF;
    r.ss = (csgsfs >> 48) & 0xFFFF;
    return r;
}

CpuFault fault_from_ucontext(const siginfo_t& info, const ucontext_t& uc) {
    const greg_t* g = uc.uc_mcontext.gregs;
    CpuFault f;
    f.vector = uint64_t(g[REG_TRAPNO]);
    f.error_code = uint64_t(g[REG_ERR]);
    f.fault_addr = reinterpret_cast<uintptr_t>(info.si_addr);
    f.rip = uint64_t(g[REG_RIP]);
    f.rsp = uint64_t(g[REG_RSP]);
    return f;
}

Registers registers_at_gate(const uint64_t* top, const GuestMemory& mem) {
    // seccomp_trampoline.S: below the monitor stack's top, the guest's rsp, rbx, rbp, r12..r15.
    Registers r{};
    uint64_t rsp = top[-1];
    r.rbx = top[-2];
    r.rbp = top[-3];
    r.r12 = top[-4];
    r.r13 = top[-5];
    r.r14 = top[-6];
    r.r15 = top[-7];
    uint64_t ret = 0;
    if (auto bytes = mem.try_span(rsp, sizeof ret)) std::memcpy(&ret, bytes->data(), sizeof ret);
    r.rip = ret;      // 0 if the guest called the gate with a stack outside its memory
    r.rsp = rsp + 8;  // the return address popped
    r.rflags = 0x202;
    r.cs = 0x33;      // Linux's user code and stack selectors
    r.ss = 0x2b;
    return r;
}

}  // namespace ukmon::x86
