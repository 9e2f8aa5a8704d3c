// How a run ended. Fixed-size so it can be filled in a signal handler without allocating.
#pragma once
#include <cstdint>
#include <cstdio>

#include "arch/registers.hpp"

namespace ukmon {

// Where the guest stopped (arch/*/registers.hpp has the registers of each architecture).
struct GuestStop {
    bool known = false;     // false: no registers (e.g. the monitor failed, not the guest)
    int signal = 0;         // SIGSEGV, SIGILL, SIGFPE, SIGSYS, SIGABRT (ABI violation); 0: halt
    bool in_hypercall = false;  // stopped while the monitor served a hypercall
    arch::Registers regs{}; // for a stop inside a hypercall: as right after the gate returns
};

struct RunOutcome {
    enum class Kind { halted, crashed, killed, host_error, timeout, stopped } kind = Kind::halted;
    uint64_t status = 0;      // halted: the guest's status
    char diagnosis[640] = {}; // one or more lines for stderr, empty for a clean halt
    GuestStop stop{};         // the guest's registers where it stopped (for --dumpcore), if known

    static RunOutcome halted(uint64_t status) { return RunOutcome{Kind::halted, status, {}}; }
    template <class... A>
    static RunOutcome make(Kind k, const char* fmt, A... args) {
        RunOutcome o{k, 0, {}};
        std::snprintf(o.diagnosis, sizeof o.diagnosis, fmt, args...);
        return o;
    }
};

// The process exit code for an outcome (see exit_codes.hpp); a halt status above
// `max_status` (the personality's) is a crash.
int exit_code_for(const RunOutcome& outcome, uint64_t max_status = 247);

}  // namespace ukmon
