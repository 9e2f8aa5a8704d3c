// The guardian: for a run whose guest shares the monitor's process (seccomp), whatever must
// be trusted lives in a parent process outside the filter, which the guest cannot write:
// the deadline (--timeout), the disk flush after the guest's process ended however it ended
// (even a raw exit_group), the core file, the scrub and the --stats report. It reads what
// that process leaves (GuestProcessReport, in a shared page) as hostile input and never waits
// for it without a deadline: it waits only for the process to end (a pidfd).
//
// At the deadline it sends SIGALRM (the process concludes and reports where the guest was);
// a stop signal it receives (SIGTERM, SIGINT, SIGHUP) it passes on; if the process has not
// ended 2 seconds later (a guest that wrecked the monitor code it shares), SIGKILL.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "monitor/exit_actions.hpp"
#include "monitor/guest_process_report.hpp"
#include "monitor/stats.hpp"

namespace ukmon::guardian {

struct Duties {
    uint64_t timeout_seconds = 0;  // 0: none
    std::vector<int> sync_fds;     // files to fsync once the guest's process ended
    const GuestProcessReport* report = nullptr;  // the shared page
    bool verbose = false;
};

// One page shared with the child to be: the guest process's report.
GuestProcessReport* map_report_page();

// Forks. The parent becomes the guardian and never returns (it exits with the run's code);
// the child returns, dies with its parent (PR_SET_PDEATHSIG), and goes on to run the guest.
void start(const Duties& duties, ExitActions& exit_actions, const stats::RunTimes& times);

}  // namespace ukmon::guardian
