// The end of every run: exit actions (module flushes), the diagnosis, the exit code.
#pragma once
#include <span>

#include "monitor/module.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon {

// Runs the modules' exit actions, writes the diagnosis to stderr, runs --dumpcore, --scrub
// and --stats (exit_plan.hpp) and ends the process with exit_code_for(outcome) (253 instead
// of a halt status if an exit action failed). Makes no allocation and only write/fsync/
// exit_group system calls (and read on the --dumpcore answer pipe), each restricted to its
// fds, so it may run inside the seccomp filter.
[[noreturn]] void conclude(const RunOutcome& outcome, std::span<Module* const> modules);

}  // namespace ukmon
