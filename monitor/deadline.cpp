// The --timeout deadline (see deadline.hpp).
#include "monitor/deadline.hpp"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arch/native.hpp"
#include "monitor/error.hpp"
#include "monitor/run.hpp"

namespace ukmon::deadline {
namespace {

bool armed = false;

void on_alarm(int, siginfo_t*, void* ucontext) {
    arch::restore_thread_pointer();  // first: a seccomp guest may have set its own thread pointer
    Run::current().on_deadline(ucontext);
}

}  // namespace

void add_syscall_rules(SyscallPolicy& policy, uint64_t seconds) {
    if (seconds == 0) return;
    arch::allow_alarm_cancel(policy);
}

void arm(uint64_t seconds, bool timer) {
    if (seconds == 0) return;
    struct sigaction sa{};
    sa.sa_sigaction = on_alarm;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;  // the seccomp backend's alternate stack, if any
    sigfillset(&sa.sa_mask);
    if (::sigaction(SIGALRM, &sa, nullptr) != 0) throw_errno("sigaction(SIGALRM) for --timeout");
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    if (::sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr) != 0) throw_errno("sigprocmask for --timeout");
    if (!timer) return;
    armed = true;
    // alarm(2) counts whole seconds of wall clock; 'seconds' fits (cli.cpp caps it at 2^32-1).
    arch::set_alarm(static_cast<unsigned>(seconds));
}

void disarm() {
    if (armed) arch::set_alarm(0);
}

}  // namespace ukmon::deadline
