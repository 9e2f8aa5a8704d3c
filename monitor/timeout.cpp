// The --timeout exit action (see timeout.hpp).
#include "monitor/timeout.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <csignal>

#include "monitor/error.hpp"
#include "monitor/exit_actions.hpp"
#include "arch/x86_64/faults.hpp"

namespace ukmon::timeout {
namespace {

// Set once before the timer starts; read by the handler.
uint64_t armed_seconds = 0;
std::span<Module* const> run_modules;
const GuestImage* run_image = nullptr;
GuestRipFn guest_rip = nullptr;
void* guest_rip_arg = nullptr;

// Set by enter_conclude(): the conclusion under way, which a late signal completes.
volatile sig_atomic_t concluding = 0;
const RunOutcome* pending = nullptr;
std::span<Module* const> pending_modules;

void on_alarm(int, siginfo_t*, void* ucontext) {
    // The timer fired inside enter_conclude(), before any exit action ran: finish that
    // conclusion here (the interrupted one never resumes), exactly once.
    if (concluding) conclude(*pending, pending_modules);
    char where[192] = "\n  (the monitor was serving a hypercall)";
    uint64_t rip = 0;
    if (guest_rip && guest_rip(ucontext, guest_rip_arg, rip)) {
        char sym[160];
        x86::format_symbol(sym, sizeof sym, rip, *run_image);
        std::snprintf(where, sizeof where, "\n  rip=0x%llx%s", static_cast<unsigned long long>(rip), sym);
    }
    conclude(RunOutcome::make(RunOutcome::Kind::timeout,
                              "guest timed out: still running after --timeout=%llu seconds%s",
                              static_cast<unsigned long long>(armed_seconds), where),
             run_modules);
}

}  // namespace

void add_syscall_rules(SyscallPolicy& policy, uint64_t seconds) {
    if (seconds == 0) return;
    policy.allow(__NR_alarm, {{0, 0}}, "core", "--timeout: the exit path cancels the timer (alarm(0)) first");
}

void arm(uint64_t seconds, std::span<Module* const> modules, const GuestImage& image, GuestRipFn rip, void* arg) {
    if (seconds == 0) return;
    armed_seconds = seconds;
    run_modules = modules;
    run_image = &image;
    guest_rip = rip;
    guest_rip_arg = arg;
    struct sigaction sa{};
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;  // the seccomp backend's alternate stack, if any
    sigfillset(&sa.sa_mask);
    if (::sigaction(SIGALRM, &sa, nullptr) != 0) throw_errno("sigaction(SIGALRM) for --timeout");
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    if (::sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr) != 0) throw_errno("sigprocmask for --timeout");
    // alarm(2) counts whole seconds of wall clock; 'seconds' fits (cli.cpp caps it at 2^32-1).
    ::syscall(SYS_alarm, static_cast<unsigned>(seconds));
}

void enter_conclude(const RunOutcome& outcome, std::span<Module* const> modules) {
    if (concluding) return;
    pending = &outcome;
    pending_modules = modules;
    concluding = 1;
    if (armed_seconds != 0) ::syscall(SYS_alarm, 0u);
}

}  // namespace ukmon::timeout
