// The core's exit actions: --dumpcore, --scrub, --stats (see exit_actions.hpp).
#include "monitor/exit_actions.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "backends/backend.hpp"
#include "monitor/coredump_file.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/fd_io.hpp"
#include "monitor/scrub.hpp"

namespace ukmon {
namespace {

char report_buf[16384];  // the JSON report; static: the exit path must not allocate

void say(const char* fmt, auto... args) {
    char line[640];
    int n = std::snprintf(line, sizeof line, fmt, args...);
    if (n <= 0) return;
    (void)write_all(2, line, size_t(n) < sizeof line ? size_t(n) : sizeof line - 1);
}


}  // namespace

static bool wants_core(const RunOutcome& o, bool dump_on_halt) {
    switch (o.kind) {
        case RunOutcome::Kind::crashed:
        case RunOutcome::Kind::killed:
        case RunOutcome::Kind::timeout: return true;
        case RunOutcome::Kind::stopped: return false;
        case RunOutcome::Kind::halted: return dump_on_halt;
        case RunOutcome::Kind::host_error: return false;
    }
    return false;
}

// The core, if this ending calls for one. Returns false when a requested core is missing.
bool ExitActions::dump_core(const RunOutcome& o, char* path, size_t path_size) {
    if (!channel_ && dumpcore_dir_fd_ < 0) return true;
    if (o.kind == RunOutcome::Kind::host_error) {
        say("ukmon: dumpcore: no core: the run ended with a monitor or host error, not a guest crash\n");
        return true;
    }
    if (!wants_core(o, dump_on_halt_)) return true;
    GuestStop stop = o.stop;
    if (!stop.known && backend_ && channel_)  // a timeout: ask the backend where the guest is
        backend_->read_stop(o.kind == RunOutcome::Kind::timeout ? SIGALRM : SIGKILL, nullptr, stop);
    if (!ram_ || !stop.known) {
        say("ukmon: dumpcore: no core: the guest's registers at the end of the run are not known\n");
        return false;
    }
    if (channel_) {  // this process is filtered: the supervisor writes the file
        char text[512];
        if (!supervisor::dump(channel_, stop, *ram_, regions_.all(), text, sizeof text)) {
            say("ukmon: dumpcore: no core: %s\n", text);
            return false;
        }
        std::snprintf(path, path_size, "%s", text);
    } else {  // the guardian, outside any filter: memory shared with the guest's process
        std::string text;
        if (!coredump::write_file(dumpcore_dir_fd_, dumpcore_dir_, program_, int(::getpid()), stop, regions_.all(),
                                  *ram_, text)) {
            say("ukmon: dumpcore: no core: %s\n", text.c_str());
            return false;
        }
        std::snprintf(path, path_size, "%s", text.c_str());
    }
    say("ukmon: guest core dumped to %s\n", path);
    return true;
}

stats::ScrubReport ExitActions::scrub_ram() {
    stats::ScrubReport report;
    if (!scrub_ || !ram_) return report;
    const GuestMemory& ram = *ram_;
    if (monitor_writes_all_) {
        if (auto all = ram.try_span(ram.low(), ram.end() - ram.low())) scrub::zero_pages(all->data(), all->size(), report);
    } else {
        for (const coredump::Region& g : regions_.all()) {
            if (!(g.flags & 2 /* PF_W */)) continue;  // read-only to the guest and to this process
            if (auto s = ram.try_span(g.start, g.end - g.start)) scrub::zero_pages(s->data(), s->size(), report);
        }
    }
    report.done = true;
    if (verbose_)
        say("ukmon: scrub: zeroed %llu of %llu guest pages checked\n", (unsigned long long)report.pages_zeroed,
            (unsigned long long)report.pages_checked);
    return report;
}

bool ExitActions::write_stats(const RunOutcome& o, const Figures& figures, int code, const char* core_path,
                              const stats::ScrubReport& scrub, const stats::RunTimes& times, const char* kind) {
    if (stats_fd_ < 0) return true;
    stats::Report r;
    r.program = program_.c_str();
    r.backend = backend_ ? backend_->name() : "";
    r.mem_bytes = mem_bytes_;
    r.outcome = &o;
    r.kind = kind;
    r.exit_code = code;
    r.ctx = figures.ctx;
    r.figures_from = figures.source;
    r.monitor_start_ns = times.monitor_start_ns;
    r.guest_start_ns = times.guest_start_ns;
    r.end_ns = stats::now_ns();
    r.devices = figures.devices;
    r.core_path = core_path && *core_path ? core_path : nullptr;
    r.scrub = scrub;
    size_t len = stats::format_json(report_buf, sizeof report_buf, r);
    if (len == 0 || !write_all(stats_fd_, report_buf, len)) {
        say("ukmon: stats: writing %s failed: %s\n", stats_path_.c_str(),
            len == 0 ? "the report does not fit its buffer" : std::strerror(errno));
        return false;
    }
    return true;
}

void ExitActions::acquire(const Options& o, const std::string& program, bool dry_run, bool guardian) {
    guardian_ = guardian;
    dry_run_ = dry_run;
    verbose_ = o.verbose;
    scrub_ = o.scrub;
    dump_on_halt_ = o.dumpcore_on_halt;
    program_ = program;
    mem_bytes_ = o.mem_bytes;
    stats_path_ = o.stats_path;
    dumpcore_ = !o.dumpcore_dir.empty();
    if (dry_run) return;
    if (!o.stats_path.empty()) {
        stats_fd_ = ::open(o.stats_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (stats_fd_ < 0)
            throw UsageError("--stats=" + o.stats_path + ": cannot open it for writing: " + std::strerror(errno));
    }
    if (dumpcore_) {
        int dir = ::open(o.dumpcore_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
            throw UsageError("--dumpcore=" + o.dumpcore_dir + ": not a directory we can open: " + std::strerror(errno));
        if (::faccessat(dir, ".", W_OK | X_OK, AT_EACCESS) != 0) {
            int e = errno;
            ::close(dir);
            throw UsageError("--dumpcore=" + o.dumpcore_dir + ": cannot create files in it: " + std::strerror(e));
        }
        dumpcore_dir_ = o.dumpcore_dir;
        if (guardian) {  // the guardian writes the core itself, from outside the filter
            dumpcore_dir_fd_ = dir;
            return;
        }
        pid_t supervisor_pid = ::getpid();
        channel_ = supervisor::start(dir, o.dumpcore_dir, program);
        ::close(dir);  // the supervisor has its own copy; the monitor never writes the directory
        if (o.verbose)
            std::fprintf(stderr, "ukmon: dumpcore: supervisor pid %d writes cores to %s; the monitor runs as pid %d\n",
                         int(supervisor_pid), o.dumpcore_dir.c_str(), int(::getpid()));
    }
}

void ExitActions::add_syscall_rules(SyscallPolicy& p) const {
    if (guardian_) return;  // the guardian's files and calls: nothing for the guest's process
    const char* owner = "exit actions";
    if (!stats_path_.empty())
        p.allow(__NR_write, {{0, uint64_t(stats_fd_), ~0ull, "stats fd"}}, owner,
                "--stats: the JSON report, written once at exit");
    if (dumpcore_) {
        p.allow(__NR_write, {{0, uint64_t(channel_.to_parent), ~0ull, "dumpcore pipe"}}, owner,
                "--dumpcore: registers and guest pages to the supervisor, which writes the core");
        p.allow(__NR_read, {{0, uint64_t(channel_.from_parent), ~0ull, "dumpcore answer pipe"}}, owner,
                "--dumpcore: wait until the supervisor has written the core");
    }
}

void ExitActions::attach(const Backend& backend, const GuestMemory& ram, bool monitor_writes_all, RunContext& ctx,
                         const GuestRights& rights) {
    backend_ = &backend;
    ram_ = ram;
    monitor_writes_all_ = monitor_writes_all;
    ctx_ = &ctx;
    mem_bytes_ = ram.end();
    regions_ = coredump::guest_regions(rights);
    ctx.time_hypercalls = stats_fd_ >= 0;
    if (channel_) supervisor::send_regions(channel_, regions_.all());
}

void ExitActions::hand_over() {
    if (stats_fd_ >= 0) ::close(stats_fd_);
    if (dumpcore_dir_fd_ >= 0) ::close(dumpcore_dir_fd_);
    stats_fd_ = dumpcore_dir_fd_ = -1;
    handed_over_ = true;
}

int ExitActions::run(const RunOutcome& o, std::span<Module* const> modules, int code, const stats::RunTimes& times) {
    DeviceCounters devices[UK_MAX_DEVICES];
    size_t n = 0;
    for (Module* m : modules) n += m->device_counters(std::span<DeviceCounters>(devices + n, UK_MAX_DEVICES - n));
    return run(o, Figures{ctx_, std::span<const DeviceCounters>(devices, n), "monitor"}, code, times);
}

int ExitActions::run(const RunOutcome& o, const Figures& figures, int code, const stats::RunTimes& times) {
    bool ok = true;
    char core_path[512] = "";
    ok &= dump_core(o, core_path, sizeof core_path);
    stats::ScrubReport scrubbed = scrub_ram();
    if (!ok && o.kind == RunOutcome::Kind::halted) code = exit_code::host_error;
    if (!write_stats(o, figures, code, core_path, scrubbed, times) && o.kind == RunOutcome::Kind::halted)
        code = exit_code::host_error;
    return code;
}

int ExitActions::run_early(const char* kind, int code, const char* message, const stats::RunTimes& times) {
    if (stats_fd_ < 0) return code;
    static RunOutcome o;  // static: no large object on a stack that may be small
    o = RunOutcome::make(RunOutcome::Kind::host_error, "%s", message);
    write_stats(o, Figures{}, code, nullptr, stats::ScrubReport{}, times, kind);
    return code;
}

}  // namespace ukmon
