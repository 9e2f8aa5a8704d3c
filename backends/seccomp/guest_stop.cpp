// The guest's registers at the end of a seccomp run (see guest_stop.hpp).
#include "backends/seccomp/guest_stop.hpp"

#include <csignal>

#include "arch/native.hpp"
#include "backends/seccomp/process_state.hpp"

extern "C" uint64_t ukmon_seccomp_stack_top;

namespace ukmon::seccomp {

GuestStop stop_from_signal(int sig, const ucontext_t& uc) {
    GuestStop s;
    s.known = true;
    s.signal = sig;
    s.regs = arch::registers_from_ucontext(uc);
    return s;
}

GuestStop stop_at_gate(const RunContext& ctx, int signal) {
    GuestStop s;
    s.known = true;
    s.signal = signal;
    s.in_hypercall = true;
    s.regs = arch::registers_at_gate(reinterpret_cast<const uint64_t*>(ukmon_seccomp_stack_top), ctx.mem);
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
