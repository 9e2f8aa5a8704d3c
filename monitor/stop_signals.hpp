// Stopping is an exit action too: SIGTERM, SIGINT and SIGHUP (what a container engine, a
// service manager or a terminal sends) end the run through Run::conclude, so the disk is
// flushed and --stats, --dumpcore and --scrub run; exit code 250. A second such signal, or
// SIGKILL, ends the process at once. SIGPIPE is ignored: a closed console is an I/O error
// for the guest's puts, not the monitor's death.
#pragma once

namespace ukmon::stop_signals {

// Before the filter (sigaction is not allowed after it); on the alternate stack if the
// backend set one up.
void install();

}  // namespace ukmon::stop_signals
