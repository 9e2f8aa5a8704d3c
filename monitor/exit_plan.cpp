// --stats, --dumpcore, --scrub (see exit_plan.hpp).
#include "monitor/fd_io.hpp"
#include "monitor/exit_plan.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>

#include "monitor/core_file.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/report_file.hpp"
#include "monitor/scrub.hpp"
#include "monitor/stats.hpp"
#include "monitor/supervisor.hpp"

namespace ukmon::exit_plan {
namespace {

// Set in prepare() and guest_ready(), read in finish(). One run per process.
struct Plan {
    bool prepared = false;
    bool dry_run = false;
    bool verbose = false;
    bool scrub = false;
    bool dump_on_halt = false;
    std::string program;
    std::string stats_path;
    std::optional<ReportFile> stats_file;  // checked at prepare(); its path for the lead's atomic write
    UniqueFd stats_out;                    // the file itself, written in place inside the filter
    int stats_fd = -1;
    bool dumpcore = false;
    supervisor::Channel channel;
    uint64_t mem_bytes = 0;
    // From the backend, once guest memory exists.
    const char* backend = nullptr;
    std::optional<GuestMemory> ram;  // a copy of the backend's view
    bool monitor_writes_all = false;
    RunContext* ctx = nullptr;
    core::Regions regions;
    StopReader read_stop = nullptr;
    void* read_stop_arg = nullptr;
};

Plan plan;

char report_buf[16384];  // the JSON report; static: the exit path must not allocate

void say(const char* fmt, auto... args) {
    char line[640];
    int n = std::snprintf(line, sizeof line, fmt, args...);
    if (n <= 0) return;
    (void)write_all(2, line, size_t(n) < sizeof line ? size_t(n) : sizeof line - 1);
}


bool wants_core(const RunOutcome& o) {
    switch (o.kind) {
        case RunOutcome::Kind::crashed:
        case RunOutcome::Kind::killed:
        case RunOutcome::Kind::timeout: return true;
        case RunOutcome::Kind::halted: return plan.dump_on_halt;
        case RunOutcome::Kind::host_error: return false;
    }
    return false;
}

// The core, if this ending calls for one. Returns false when a requested core is missing.
bool dump_core(const RunOutcome& o, char* path, size_t path_size) {
    if (!plan.channel) return true;
    if (o.kind == RunOutcome::Kind::host_error) {
        say("ukmon: dumpcore: no core: the run ended with a monitor or host error, not a guest crash\n");
        return true;
    }
    if (!wants_core(o)) return true;
    GuestStop stop = o.stop;
    if (!stop.known && plan.read_stop)  // a timeout: ask the backend where the guest is
        plan.read_stop(plan.read_stop_arg, o.kind == RunOutcome::Kind::timeout ? SIGALRM : SIGKILL, stop);
    if (!plan.ram || !stop.known) {
        say("ukmon: dumpcore: no core: the guest's registers at the end of the run are not known\n");
        return false;
    }
    char text[512];
    if (!supervisor::dump(plan.channel, stop, *plan.ram, plan.regions.all(), text, sizeof text)) {
        say("ukmon: dumpcore: no core: %s\n", text);
        return false;
    }
    std::snprintf(path, path_size, "%s", text);
    say("ukmon: guest core dumped to %s\n", path);
    return true;
}

stats::ScrubReport scrub_ram() {
    stats::ScrubReport report;
    if (!plan.scrub || !plan.ram) return report;
    const GuestMemory& ram = *plan.ram;
    if (plan.monitor_writes_all) {
        if (auto all = ram.try_span(ram.low(), ram.end() - ram.low())) scrub::zero_pages(all->data(), all->size(), report);
    } else {
        for (const core::Region& g : plan.regions.all()) {
            if (!(g.flags & 2 /* PF_W */)) continue;  // read-only to the guest and to this process
            if (auto s = ram.try_span(g.start, g.end - g.start)) scrub::zero_pages(s->data(), s->size(), report);
        }
    }
    report.done = true;
    if (plan.verbose)
        say("ukmon: scrub: zeroed %llu of %llu guest pages checked\n", (unsigned long long)report.pages_zeroed,
            (unsigned long long)report.pages_checked);
    return report;
}

bool write_stats(const RunOutcome& o, std::span<Module* const> modules, int code, const char* core_path,
                 const stats::ScrubReport& scrub, const char* kind = nullptr) {
    if (plan.stats_fd < 0) return true;
    DeviceCounters devices[UK_MAX_DEVICES];
    size_t n = 0;
    for (Module* m : modules) n += m->device_counters(std::span<DeviceCounters>(devices + n, UK_MAX_DEVICES - n));
    stats::Report r;
    r.program = plan.program.c_str();
    r.backend = plan.backend ? plan.backend : "";
    r.mem_bytes = plan.mem_bytes;
    r.outcome = &o;
    r.kind = kind;
    r.exit_code = code;
    r.ctx = plan.ctx;
    r.monitor_start_ns = stats::monitor_start_ns();
    r.guest_start_ns = stats::guest_start_ns();
    r.end_ns = stats::now_ns();
    r.devices = std::span<const DeviceCounters>(devices, n);
    r.core_path = core_path && *core_path ? core_path : nullptr;
    r.scrub = scrub;
    size_t len = stats::format_json(report_buf, sizeof report_buf, r);
    if (len == 0 || !write_all(plan.stats_fd, report_buf, len)) {
        say("ukmon: stats: writing %s failed: %s\n", plan.stats_path.c_str(),
            len == 0 ? "the report does not fit its buffer" : std::strerror(errno));
        return false;
    }
    return true;
}

}  // namespace

void prepare(const Options& o, const std::string& program, bool dry_run) {
    plan.prepared = true;
    plan.dry_run = dry_run;
    plan.verbose = o.verbose;
    plan.scrub = o.scrub;
    plan.dump_on_halt = o.dumpcore_on_halt;
    plan.program = program;
    plan.mem_bytes = o.mem_bytes;
    plan.stats_path = o.stats_path;
    plan.dumpcore = !o.dumpcore_dir.empty();
    if (dry_run) return;
    if (!o.stats_path.empty()) {
        // Checked before anything is opened for writing: never a symlink, a FIFO or a disk's file.
        std::vector<std::string> device_files;
        for (const DeviceOption& d : o.device_options)
            if (d.value) device_files.push_back(*d.value);
        plan.stats_file = ReportFile::prepare("--stats", o.stats_path, device_files);
        // Inside the filter the exit path can only write to an fd it holds: no temporary file
        // and rename (ReportFile::write_atomically) until reports are written outside it.
        plan.stats_out = plan.stats_file->open_in_place();
        plan.stats_fd = plan.stats_out.get();
    }
    if (plan.dumpcore) {
        int dir = ::open(o.dumpcore_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
            throw UsageError("--dumpcore=" + o.dumpcore_dir + ": not a directory we can open: " + std::strerror(errno));
        if (::faccessat(dir, ".", W_OK | X_OK, AT_EACCESS) != 0) {
            int e = errno;
            ::close(dir);
            throw UsageError("--dumpcore=" + o.dumpcore_dir + ": cannot create files in it: " + std::strerror(e));
        }
        pid_t supervisor_pid = ::getpid();
        plan.channel = supervisor::start(dir, o.dumpcore_dir, program);
        ::close(dir);  // the supervisor has its own copy; the monitor never writes the directory
        if (o.verbose)
            std::fprintf(stderr, "ukmon: dumpcore: supervisor pid %d writes cores to %s; the monitor runs as pid %d\n",
                         int(supervisor_pid), o.dumpcore_dir.c_str(), int(::getpid()));
    }
}

void add_syscall_rules(SyscallPolicy& p) {
    const char* owner = "exit actions";
    if (!plan.stats_path.empty())
        p.allow(__NR_write, {{0, uint64_t(plan.stats_fd), ~0ull, "stats fd"}}, owner,
                "--stats: the JSON report, written once at exit");
    if (plan.dumpcore) {
        p.allow(__NR_write, {{0, uint64_t(plan.channel.to_parent), ~0ull, "dumpcore pipe"}}, owner,
                "--dumpcore: registers and guest pages to the supervisor, which writes the core");
        p.allow(__NR_read, {{0, uint64_t(plan.channel.from_parent), ~0ull, "dumpcore answer pipe"}}, owner,
                "--dumpcore: wait until the supervisor has written the core");
    }
}

void guest_ready(const char* backend, const GuestMemory& ram, bool monitor_writes_all, RunContext& ctx,
                 const GuestImage& image, uint64_t mem_size, StopReader read_stop, void* read_stop_arg) {
    plan.backend = backend;
    plan.read_stop = read_stop;
    plan.read_stop_arg = read_stop_arg;
    plan.ram = ram;
    plan.monitor_writes_all = monitor_writes_all;
    plan.ctx = &ctx;
    plan.mem_bytes = mem_size;
    plan.regions = core::guest_regions(image, mem_size);
    ctx.time_hypercalls = plan.stats_fd >= 0;
    if (plan.channel) supervisor::send_regions(plan.channel, plan.regions.all());
}

int finish(const RunOutcome& o, std::span<Module* const> modules, int code) {
    bool ok = true;
    char core_path[512] = "";
    ok &= dump_core(o, core_path, sizeof core_path);
    stats::ScrubReport scrubbed = scrub_ram();
    if (!ok && o.kind == RunOutcome::Kind::halted) code = exit_code::host_error;
    if (!write_stats(o, modules, code, core_path, scrubbed) && o.kind == RunOutcome::Kind::halted)
        code = exit_code::host_error;
    return code;
}

int finish_early(const char* kind, int code, const char* message) {
    if (plan.stats_fd < 0) return code;
    static RunOutcome o;  // static: no large object on a stack that may be small
    o = RunOutcome::make(RunOutcome::Kind::host_error, "%s", message);
    write_stats(o, {}, code, nullptr, stats::ScrubReport{}, kind);
    return code;
}

}  // namespace ukmon::exit_plan
