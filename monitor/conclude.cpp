// The one end of every run after lockdown (Run::conclude, see run.hpp) and the exit code.
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "arch/native.hpp"
#include "monitor/deadline.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/fd_io.hpp"
#include "monitor/run.hpp"

namespace ukmon {

int exit_code_for(const RunOutcome& o, uint64_t max_status) {
    switch (o.kind) {
        case RunOutcome::Kind::halted:
            return o.status <= max_status ? int(o.status) : exit_code::crash;
        case RunOutcome::Kind::crashed: return exit_code::crash;
        case RunOutcome::Kind::killed: return exit_code::killed;
        case RunOutcome::Kind::timeout: return exit_code::timeout;
        case RunOutcome::Kind::stopped: return exit_code::stopped;
        case RunOutcome::Kind::host_error: return exit_code::host_error;
    }
    return exit_code::host_error;
}

void Run::conclude(const RunOutcome& o) {
    if (stage_ == Stage::concluding || stage_ == Stage::finishing) {  // a fault inside the exit actions
        static constexpr char again[] = "ukmon: monitor bug: a fault during the exit actions\n";
        write_all(2, again, sizeof again - 1);
        _exit(exit_code::host_error);
    }
    pending_ = o;
    stage_ = Stage::concluding;
    deadline::disarm();  // a signal already on its way completes this same conclusion (on_deadline)
    finish(pending_);
}

void Run::on_deadline(const void* ucontext) {
    if (stage_ == Stage::concluding) finish(pending_);  // fired before disarm() took effect
    char where[256] = "";
    GuestStop stop;
    if (backend_->read_stop(SIGALRM, ucontext, stop)) {
        char sym[160];
        arch::format_symbol(sym, sizeof sym, stop.regs.ip(), *image_);
        std::snprintf(where, sizeof where, "\n  %s%s=0x%llx%s", stop.in_hypercall ? "in a hypercall called from " : "", arch::ip_name,
                      static_cast<unsigned long long>(stop.regs.ip()), sym);
    }
    RunOutcome o = RunOutcome::make(RunOutcome::Kind::timeout,
                                    "guest timed out: still running after --timeout=%llu seconds%s",
                                    static_cast<unsigned long long>(options_.timeout_seconds), where);
    o.stop = stop;
    conclude(o);
}

void Run::on_stop_signal(int sig) {
    if (stage_ == Stage::concluding || stage_ == Stage::finishing) _exit(exit_code::stopped);  // the second: at once
    RunOutcome o = RunOutcome::make(RunOutcome::Kind::stopped, "stopped by signal %d (SIG%s)", sig,
                                    sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    backend_->read_stop(sig, nullptr, o.stop);
    conclude(o);
}

// Module exit actions first (what they flush is the guest's data), then the diagnosis, then
// the core's exit actions, then the exit code.
void Run::finish(const RunOutcome& o) {
    stage_ = Stage::finishing;
    bool flushed = true;
    // A guest that drives its devices itself (DeviceAccess::guest_syscalls) left nothing in
    // the modules' hands to flush, and its filter allows them no more calls.
    if (device_access_ == DeviceAccess::hypercalls)
        for (Module* m : modules_) flushed &= m->exit_action();
    char line[768];
    int n = 0;
    const uint64_t max_status = personality_->max_halt_status();
    if (o.kind == RunOutcome::Kind::halted && o.status > max_status)
        n = std::snprintf(line, sizeof line,
                          "ukmon: guest halted with status %llu, outside 0..%llu (higher codes are the monitor's)\n",
                          (unsigned long long)o.status, (unsigned long long)max_status);
    else if (o.diagnosis[0])
        n = std::snprintf(line, sizeof line, "ukmon: %s\n", o.diagnosis);
    if (n > 0) write_all(2, line, std::min<size_t>(size_t(n), sizeof line - 1));
    int code = exit_code_for(o, max_status);
    if (!flushed && o.kind == RunOutcome::Kind::halted) code = exit_code::host_error;
    if (guarded_) {  // the guardian does the rest, from outside this process
        write_guest_process_report(*report_, o, code, times_.guest_start_ns, *ctx_, modules_);
        _exit(code);
    }
    code = exit_actions_.run(o, modules_, code, times_);
    _exit(exit_code(code, &o));
}

}  // namespace ukmon
