// Exit actions: what a run does after its guest stopped, whatever stopped it. The modules'
// own (Module::exit_action: disk flush) run first (Run::conclude); these are the core's:
// --dumpcore, --scrub and --stats. Whatever they need from the host is acquired before the
// filter (acquire(): the stats file opened, the --dumpcore supervisor forked); at the end,
// run() only reads guest memory and writes to those fds: write on the stats fd and the
// supervisor pipe, read on the supervisor's answer pipe, each allowed for that fd alone.
#pragma once
#include <optional>
#include <span>
#include <string>

#include "monitor/cli.hpp"
#include "monitor/coredump.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"
#include "monitor/module.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"
#include "monitor/stats.hpp"
#include "monitor/supervisor.hpp"

namespace ukmon {

class Backend;

class ExitActions {
public:
    // Once the CLI is parsed, before anything else can fail: opens the --stats file, opens
    // the --dumpcore directory and forks the supervisor (whose process never returns from
    // here). UsageError if a path is unusable. dry_run (--print-filter) acquires nothing; the
    // rules then show placeholder fds.
    // `guardian`: a guardian process (monitor/guardian.hpp) will run them, so no --dumpcore
    // supervisor is forked and the directory stays open for the guardian.
    void acquire(const Options& options, const std::string& program, bool dry_run, bool guardian);
    // In the guest's process of a guarded run: the files are the guardian's, not this
    // process's (closed here), and run() is never called here.
    void hand_over();
    // The calls run() makes, restricted to the fds acquire() got (owner "exit actions").
    void add_syscall_rules(SyscallPolicy& policy) const;
    // Once guest memory and the RunContext exist, before the filter. `ram`: the backend's
    // unrestricted view; `monitor_writes_all`: the monitor may write every byte of it (kvm:
    // its own read-write mapping) rather than only what the guest may (seccomp). `backend`
    // tells where the guest stopped when an outcome carries no registers (a deadline).
    void attach(const Backend& backend, const GuestMemory& ram, bool monitor_writes_all, RunContext& ctx,
                const GuestRights& rights);
    // Where the report's counters come from: this process's hypercall context and modules, or
    // the guest process's report (read by the guardian; `source` says so in --stats).
    struct Figures {
        const RunContext* ctx = nullptr;
        std::span<const DeviceCounters> devices;
        const char* source = "monitor";
    };
    // In order: the core file, the scrub, the stats report. `code` is the exit code so far;
    // returns the final one (253 instead of a halt status when a requested action failed).
    // Allocation-free (in the monitor's own process; the guardian may allocate).
    int run(const RunOutcome& outcome, std::span<Module* const> modules, int code, const stats::RunTimes& times);
    int run(const RunOutcome& outcome, const Figures& figures, int code, const stats::RunTimes& times);
    // A failure before the guest started: the report still records how the run ended.
    // `kind`: "usage_error", "host_error" or "crashed". Returns `code`.
    int run_early(const char* kind, int code, const char* message, const stats::RunTimes& times);

private:
    bool dump_core(const RunOutcome& o, char* path, size_t path_size);
    stats::ScrubReport scrub_ram();
    bool write_stats(const RunOutcome& o, const Figures& figures, int code, const char* core_path,
                     const stats::ScrubReport& scrub, const stats::RunTimes& times, const char* kind = nullptr);

    bool dry_run_ = false;
    bool verbose_ = false;
    bool scrub_ = false;
    bool dump_on_halt_ = false;
    std::string program_;
    std::string stats_path_;
    int stats_fd_ = -1;
    bool dumpcore_ = false;
    supervisor::Channel channel_;
    std::string dumpcore_dir_;
    int dumpcore_dir_fd_ = -1;  // the guardian's: it writes the core itself
    bool guardian_ = false;     // a guardian runs them: the guest's process needs no rule
    bool handed_over_ = false;
    uint64_t mem_bytes_ = 0;
    // From attach(), once guest memory exists.
    const Backend* backend_ = nullptr;
    std::optional<GuestMemory> ram_;
    bool monitor_writes_all_ = false;
    RunContext* ctx_ = nullptr;
    coredump::Regions regions_;
};

}  // namespace ukmon
