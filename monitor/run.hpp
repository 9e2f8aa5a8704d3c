// One run of a guest, owned by the core. It holds everything about the run, from the loaded
// image to the exit code, and drives the boot protocol once (docs/architecture.md §2):
//   CLI -> exit actions acquired -> image -> personality -> devices -> backend -> memory
//   layout and boot -> backend set-up -> policy -> deadline -> lockdown -> enter -> conclude.
// One per process: signal handlers reach it through Run::current().
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "backends/backend.hpp"
#include "monitor/cli.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/exit_actions.hpp"
#include "monitor/guest_access.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/guest_process_report.hpp"
#include "monitor/module.hpp"
#include "monitor/personality.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon {

class Run {
public:
    // `monitor_start_ns`: when main started (boot time for --stats counts from there).
    Run(std::string program, std::span<Module* const> modules, uint64_t monitor_start_ns);
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;
    static Run& current();

    // The whole protocol. Returns an exit code only for runs that never boot a guest
    // (--help, --version, --print-filter); once the guest runs, the run ends in conclude().
    // Throws UsageError/HostError for a failure before the guest starts.
    // `backend`: null picks one by --backend (tests pass their own).
    int execute(std::span<const std::string_view> args, std::span<const std::byte> guest_elf,
                std::unique_ptr<Backend> backend = nullptr);
    // A failure before the guest started (main's catch): the --stats report still says how
    // the run ended. Returns `code`.
    int end_before_start(const char* kind, int code, const char* message);

    // For backends, while the guest runs.
    const Options& options() const { return options_; }
    const GuestImage& image() const { return *image_; }
    RunContext& context() { return *ctx_; }
    // Serves one hypercall. nullopt: the guest carries on; otherwise how the run ends (a
    // halt, an ABI violation as "guest crashed: ...", a monitor error).
    std::optional<RunOutcome> serve_hypercall(uint64_t nr, uint64_t arg_gpa);
    // The last statement before the first guest instruction.
    void mark_guest_start();

    // The one end of every run after lockdown, whatever ended it (halt, crash, refused call,
    // deadline, host error): module exit actions (disk flush), the diagnosis, --dumpcore,
    // --scrub, --stats, the exit code. Allocation-free; only calls the policy allows.
    [[noreturn]] void conclude(const RunOutcome& outcome);
    // SIGALRM of --timeout (monitor/deadline.cpp): `ucontext` is the handler's.
    [[noreturn]] void on_deadline(const void* ucontext);
    // SIGTERM, SIGINT or SIGHUP (monitor/stop_signals.cpp); a second one ends at once.
    [[noreturn]] void on_stop_signal(int signal);

private:
    std::unique_ptr<Backend> choose_backend();
    SyscallPolicy build_policy() const;
    [[noreturn]] void boot();
    void lock_down(const SyscallPolicy& policy);
    [[noreturn]] void finish(const RunOutcome& outcome);

    std::string program_;
    std::span<Module* const> modules_;
    Options options_;
    ExitActions exit_actions_;
    std::optional<GuestImage> image_;
    std::unique_ptr<Personality> personality_;
    Dispatcher dispatcher_;
    std::unique_ptr<Backend> backend_;
    GuestRights rights_;
    GuestAccessMap access_;
    std::optional<RunContext> ctx_;
    stats::RunTimes times_;
    bool guarded_ = false;                   // a guardian process does the exit actions
    GuestProcessReport* report_ = nullptr;   // guarded: the page the guardian reads
    enum class Stage { preparing, running, concluding, finishing } stage_ = Stage::preparing;
    RunOutcome pending_;  // the conclusion under way (a late deadline signal completes it)
};

}  // namespace ukmon
