// The guest's registers at the end of a seccomp run (see guest_stop.hpp).
#include "backends/seccomp/guest_stop.hpp"

#include <csignal>
#include <cstring>

#include "backends/seccomp/process_state.hpp"

extern "C" uint64_t ukmon_seccomp_stack_top;

namespace ukmon::seccomp {

GuestStop stop_from_signal(int sig, const ucontext_t& uc) {
    const greg_t* g = uc.uc_mcontext.gregs;
    GuestStop s;
    s.known = true;
    s.signal = sig;
    x86::Registers& r = s.regs;
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
    return s;
}

GuestStop stop_at_gate(const RunContext& ctx, int signal) {
    // trampoline.S: below the monitor stack's top, the guest's rsp, rbx, rbp, r12..r15.
    const auto* top = reinterpret_cast<const uint64_t*>(ukmon_seccomp_stack_top);
    GuestStop s;
    s.known = true;
    s.signal = signal;
    s.in_hypercall = true;
    x86::Registers& r = s.regs;
    uint64_t rsp = top[-1];
    r.rbx = top[-2];
    r.rbp = top[-3];
    r.r12 = top[-4];
    r.r13 = top[-5];
    r.r14 = top[-6];
    r.r15 = top[-7];
    uint64_t ret = 0;
    if (auto bytes = ctx.mem.try_span(rsp, sizeof ret)) std::memcpy(&ret, bytes->data(), sizeof ret);
    r.rip = ret;      // 0 if the guest called the gate with a stack outside its memory
    r.rsp = rsp + 8;  // the return address popped
    r.rflags = 0x202;
    r.cs = 0x33;      // Linux's user code and stack selectors
    r.ss = 0x2b;
    return s;
}

bool read_stop_now(int signal, const void* ucontext, GuestStop& out) {
    if (!state.run) return false;
    if (state.in_monitor) {
        out = stop_at_gate(state.run->context(), signal);
        return true;
    }
    if (!ucontext) return false;
    out = stop_from_signal(signal, *static_cast<const ucontext_t*>(ucontext));
    return true;
}

void conclude_at_gate(RunOutcome outcome, int signal) {
    outcome.stop = stop_at_gate(state.run->context(), signal);
    state.run->conclude(outcome);
}

}  // namespace ukmon::seccomp
