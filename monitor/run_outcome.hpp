// How a run ended. Fixed-size so it can be filled in a signal handler without allocating.
#pragma once
#include <cstdint>
#include <cstdio>

#include "arch/x86_64/registers.hpp"

namespace ukmon {

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

// The process exit code for an outcome (see exit_codes.hpp).
int exit_code_for(const RunOutcome& outcome);

}  // namespace ukmon
