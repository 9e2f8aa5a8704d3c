// The exit actions a run takes besides the modules' own (disk flushes): --stats,
// --dumpcore and --scrub. Whatever they need from the host is acquired in prepare(), before
// the filter: the stats file is opened there (its fd kept, close-on-exec) and the
// --dumpcore supervisor forked. At the end, finish() (called by conclude()) only reads guest
// memory and writes to those fds: write on the stats fd and the supervisor pipe, read on the
// supervisor's answer pipe, each allowed in the policy for that fd alone.
#pragma once
#include <span>
#include <string>

#include "monitor/cli.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/module.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::exit_plan {

// Called by main once the CLI is parsed and the devices are attached, before the policy is
// built. Opens the --stats file, opens the --dumpcore directory and forks the supervisor
// (the parent never returns from here). UsageError if a path is unusable. dry_run
// (--print-filter) acquires nothing; the rules then show placeholder fds.
void prepare(const Options& options, const std::string& program, bool dry_run);

// The calls finish() makes, restricted to the fds prepare() acquired (owner "exit actions").
void add_syscall_rules(SyscallPolicy& policy);

// Where the guest is now, for an ending whose outcome carries no registers (a --timeout
// fires in a signal handler that knows no backend). Fills `out` (with `signal`) and returns
// true, or returns false when the backend cannot tell. Allocation-free.
using StopReader = bool (*)(void* arg, int signal, GuestStop& out);

// Called by each backend once guest memory and the RunContext exist, before the filter.
// `ram` is the backend's unrestricted view of guest memory; `monitor_writes_all`: the
// monitor may write every byte of it (kvm: its own read-write mapping) rather than only what
// the guest may write (seccomp: the guest's own protections apply in this process).
void guest_ready(const char* backend, const GuestMemory& ram, bool monitor_writes_all, RunContext& ctx,
                 const GuestImage& image, uint64_t mem_size, StopReader read_stop, void* read_stop_arg);

// conclude()'s exit actions, in order: the core (--dumpcore), the scrub, the stats report.
// `code` is the exit code so far; returns the final one (253 instead of a halt status when
// a requested action failed, as for a failed disk flush). Allocation-free.
int finish(const RunOutcome& outcome, std::span<Module* const> modules, int code);

// For main's error paths (a failure before or instead of conclude()): the stats report, if
// --stats was opened, still records how the run ended. Returns `code`.
// `kind` is the report's exit kind: "usage_error", "host_error" or "crashed".
int finish_early(const char* kind, int code, const char* message);

}  // namespace ukmon::exit_plan
