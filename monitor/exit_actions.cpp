// conclude(): exit actions and the process exit code.
#include "monitor/fd_io.hpp"
#include "monitor/exit_actions.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "monitor/exit_codes.hpp"
#include "monitor/exit_plan.hpp"
#include "monitor/timeout.hpp"

namespace ukmon {

int exit_code_for(const RunOutcome& o) {
    switch (o.kind) {
        case RunOutcome::Kind::halted:
            return o.status <= uint64_t(exit_code::guest_max) ? int(o.status) : exit_code::crash;
        case RunOutcome::Kind::crashed: return exit_code::crash;
        case RunOutcome::Kind::killed: return exit_code::killed;
        case RunOutcome::Kind::timeout: return exit_code::timeout;
        case RunOutcome::Kind::host_error: return exit_code::host_error;
    }
    return exit_code::host_error;
}

namespace {


}  // namespace

void conclude(const RunOutcome& o, std::span<Module* const> modules) {
    timeout::enter_conclude(o, modules);  // no --timeout signal may cut the exit actions short
    static bool concluding = false;  // a fault inside the exit actions ends here, not in a second run of them
    if (concluding) {
        static constexpr char again[] = "ukmon: monitor bug: a fault during the exit actions\n";
        write_all(2, again, sizeof again - 1);
        _exit(exit_code::host_error);
    }
    concluding = true;
    bool flushed = true;
    for (Module* m : modules) flushed &= m->on_exit();
    char line[768];
    int n = 0;
    if (o.kind == RunOutcome::Kind::halted && o.status > uint64_t(exit_code::guest_max))
        n = std::snprintf(line, sizeof line,
                          "ukmon: guest halted with status %llu, outside 0..%d (higher codes are the monitor's)\n",
                          (unsigned long long)o.status, exit_code::guest_max);
    else if (o.diagnosis[0])
        n = std::snprintf(line, sizeof line, "ukmon: %s\n", o.diagnosis);
    if (n > 0) write_all(2, line, std::min<size_t>(size_t(n), sizeof line - 1));
    int code = exit_code_for(o);
    if (!flushed && o.kind == RunOutcome::Kind::halted) code = exit_code::host_error;
    code = exit_plan::finish(o, modules, code);  // --dumpcore, --scrub, --stats
    _exit(code);
}

}  // namespace ukmon
