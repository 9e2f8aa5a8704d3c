// The guardian (see guardian.hpp): its wait, and the end it makes of the run.
#include "monitor/guardian.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/unique_fd.hpp"
#include "monitor/watched_fork.hpp"

namespace ukmon::guardian {
namespace {

constexpr uint64_t grace_ns = 2'000'000'000ull;

// Why the guardian ended the process, if it did.
enum class Ended { by_itself, deadline, stop_signal };

struct Wait {
    int status = 0;
    Ended why = Ended::by_itself;
    int stop_signal = 0;
    bool killed = false;  // SIGKILL after the grace period
};

// Waits for the child: the deadline and stop signals on the way, never blocked by anything
// the child does. Closes nothing; returns the child's wait status.
Wait wait_for(pid_t child, const Duties& d) {
    UniqueFd pidfd(int(::syscall(SYS_pidfd_open, child, 0)));
    if (!pidfd) {
        ::kill(child, SIGKILL);
        throw_errno("pidfd_open of the guest's process");
    }
    sigset_t stops;
    sigemptyset(&stops);
    for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stops, s);
    ::sigprocmask(SIG_BLOCK, &stops, nullptr);
    UniqueFd sigfd(::signalfd(-1, &stops, SFD_CLOEXEC));
    if (!sigfd) throw_errno("signalfd for the guardian");

    Wait w;
    uint64_t start = stats::now_ns();
    uint64_t deadline = d.timeout_seconds ? start + d.timeout_seconds * 1'000'000'000ull : UINT64_MAX;
    uint64_t kill_at = UINT64_MAX;
    for (;;) {
        uint64_t now = stats::now_ns();
        if (now >= kill_at && !w.killed) {
            ::kill(child, SIGKILL);
            w.killed = true;
        } else if (now >= deadline && w.why == Ended::by_itself) {
            ::kill(child, SIGALRM);  // the process concludes: diagnosis, core, report
            w.why = Ended::deadline;
            kill_at = now + grace_ns;
        }
        uint64_t next = w.killed ? UINT64_MAX : std::min(deadline > now && w.why == Ended::by_itself ? deadline : UINT64_MAX, kill_at);
        int timeout_ms = next == UINT64_MAX ? -1 : int(std::min<uint64_t>((next - std::min(next, stats::now_ns())) / 1'000'000 + 1, 60'000));
        pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {sigfd.get(), POLLIN, 0}};
        int r = ::poll(fds, 2, timeout_ms);
        if (r < 0 && errno != EINTR) throw_errno("poll in the guardian");
        if (r > 0 && (fds[0].revents & POLLIN)) break;
        if (r > 0 && (fds[1].revents & POLLIN)) {
            signalfd_siginfo si{};
            if (::read(sigfd.get(), &si, sizeof si) == ssize_t(sizeof si)) {
                if (w.why == Ended::stop_signal) {  // the second: at once
                    ::kill(child, SIGKILL);
                    w.killed = true;
                } else {
                    w.why = Ended::stop_signal;
                    w.stop_signal = int(si.ssi_signo);
                    ::kill(child, w.stop_signal);
                    kill_at = std::min(kill_at, stats::now_ns() + grace_ns);
                }
            }
        }
    }
    while (::waitpid(child, &w.status, 0) < 0)
        if (errno != EINTR) throw_errno("waitpid for the guest's process");
    return w;
}

// The run's end as the guardian sees it: the report when it is valid and agrees with how the
// process ended; otherwise what the guardian itself knows.
RunOutcome outcome_of(const Wait& w, const std::optional<CheckedReport>& report, int& code) {
    using K = RunOutcome::Kind;
    if (WIFEXITED(w.status)) {
        code = WEXITSTATUS(w.status);
        if (report && report->exit_code == code) return report->outcome;
        const char* why = "the guest's process exited with status %d without the monitor's report (a raw exit_group)";
        if (code <= exit_code::guest_max) {
            RunOutcome o = RunOutcome::halted(uint64_t(code));
            std::snprintf(o.diagnosis, sizeof o.diagnosis, why, code);
            return o;
        }
        K k = code == exit_code::stopped   ? K::stopped
              : code == exit_code::timeout ? K::timeout
              : code == exit_code::killed  ? K::killed
              : code == exit_code::crash   ? K::crashed
                                           : K::host_error;
        return RunOutcome::make(k, why, code);
    }
    int sig = WIFSIGNALED(w.status) ? WTERMSIG(w.status) : SIGKILL;
    if (w.killed && w.why == Ended::deadline) {
        code = exit_code::timeout;
        return RunOutcome::make(K::timeout, "guest timed out; its process did not end at the deadline signal and was killed");
    }
    if (w.killed && w.why == Ended::stop_signal) {
        code = exit_code::stopped;
        return RunOutcome::make(K::stopped, "stopped by signal %d (SIG%s); the guest's process was killed", w.stop_signal,
                                sigabbrev_np(w.stop_signal) ? sigabbrev_np(w.stop_signal) : "?");
    }
    code = exit_code::crash;
    return RunOutcome::make(K::crashed, "crashed inside the guest's process: it died of signal %d (SIG%s)", sig,
                            sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
}

[[noreturn]] void serve(pid_t child, const Duties& d, ExitActions& actions, const stats::RunTimes& times) {
    ::signal(SIGPIPE, SIG_IGN);
    int code = exit_code::host_error;
    try {
        Wait w = wait_for(child, d);
        GuestProcessReport copy;
        std::memcpy(&copy, d.report, sizeof copy);  // once, by value: the guest wrote it
        std::optional<CheckedReport> report = check_guest_process_report(copy);
        RunOutcome o = outcome_of(w, report, code);
        bool from_report = report && WIFEXITED(w.status) && report->exit_code == code;
        if (!from_report) {  // the process said nothing usable: the guardian says it
            std::fprintf(stderr, "ukmon: %s\n", o.diagnosis);
            report.reset();
        }
        bool flushed = true;
        for (int fd : d.sync_fds)
            if (::fsync(fd) != 0) {
                std::fprintf(stderr, "ukmon: guardian: flushing a disk failed: %s\n", std::strerror(errno));
                flushed = false;
            }
        if (!flushed && o.kind == RunOutcome::Kind::halted) code = exit_code::host_error;
        DeviceCounters devices[UK_MAX_DEVICES];
        size_t n = report ? report->device_counters(devices) : 0;
        stats::RunTimes t = times;
        t.guest_start_ns = report ? report->guest_start_ns : 0;
        if (t.guest_start_ns < t.monitor_start_ns || t.guest_start_ns > stats::now_ns()) t.guest_start_ns = 0;
        ExitActions::Figures figures{report ? &report->figures : nullptr, std::span<const DeviceCounters>(devices, n),
                                     "guest_process"};
        code = actions.run(o, figures, code, t);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ukmon: guardian: %s\n", e.what());
        ::kill(child, SIGKILL);
        code = exit_code::host_error;
    }
    std::fflush(stderr);
    _exit(code);
}

}  // namespace

GuestProcessReport* map_report_page() {
    size_t size = (sizeof(GuestProcessReport) + 4095) & ~size_t(4095);
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw_errno("mmap of the guest process's report page");
    return new (p) GuestProcessReport();
}

void start(const Duties& duties, ExitActions& exit_actions, const stats::RunTimes& times) {
    pid_t pid = watched_fork("the guardian");
    if (pid > 0) {
        if (duties.verbose)
            std::fprintf(stderr, "ukmon: guardian pid %d watches the guest's process, pid %d\n", int(::getpid()), int(pid));
        serve(pid, duties, exit_actions, times);
    }
    exit_actions.hand_over();
}

}  // namespace ukmon::guardian
