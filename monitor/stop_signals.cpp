// Stop signals (see stop_signals.hpp).
#include "monitor/stop_signals.hpp"

#include <signal.h>

#include "monitor/error.hpp"
#include "monitor/run.hpp"

namespace ukmon::stop_signals {
namespace {

void on_stop(int sig, siginfo_t*, void*) { Run::current().on_stop_signal(sig); }

}  // namespace

void install() {
    struct sigaction sa{};
    sa.sa_sigaction = on_stop;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    for (int sig : {SIGTERM, SIGINT, SIGHUP})
        if (::sigaction(sig, &sa, nullptr) != 0) throw_errno("sigaction for a stop signal");
    sigset_t stops;
    sigemptyset(&stops);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stops, sig);
    if (::sigprocmask(SIG_UNBLOCK, &stops, nullptr) != 0) throw_errno("sigprocmask for the stop signals");
}

}  // namespace ukmon::stop_signals
