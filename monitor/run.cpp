// The boot protocol of one run (see run.hpp); its end is in conclude.cpp.
#include "monitor/run.hpp"

#include <sys/syscall.h>

#include <cstdio>
#include <cstring>

#include "arch/native.hpp"
#include "monitor/deadline.hpp"
#include "monitor/devices.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/guardian.hpp"
#include "monitor/sandbox/filter.hpp"
#include "monitor/sandbox/policy_print.hpp"
#include "monitor/stats.hpp"
#include "monitor/stop_signals.hpp"
#include "monitor/version.hpp"

namespace ukmon {
namespace {

Run* the_run = nullptr;

}  // namespace

Run::Run(std::string program, std::span<Module* const> modules, uint64_t monitor_start_ns)
    : program_(std::move(program)), modules_(modules) {
    times_.monitor_start_ns = monitor_start_ns;
    the_run = this;
}

Run& Run::current() { return *the_run; }

int Run::execute(std::span<const std::string_view> args, std::span<const std::byte> guest_elf,
                 std::unique_ptr<Backend> backend) {
    guest_elf_ = guest_elf;
    std::vector<std::string_view> words;
    for (Module* m : modules_)
        for (auto w : m->option_words()) words.push_back(w);
    options_ = parse_cli(args, words);
    if (options_.help) {
        std::string text = usage_text(program_);
        for (Module* m : modules_) text += m->options_help();
        text += exit_codes_text();
        std::fputs(text.c_str(), stdout);
        return 0;
    }
    if (options_.version) {
        std::printf("%s: ukmon %s, guest ABI %u\n", program_.c_str(), version_string, UK_ABI_VERSION);
        return 0;
    }
    // Before anything else can fail, so that every ending is reported: the report file and the
    // core directory are checked here, and opened once the backend is known (start()).
    exit_actions_.acquire(options_, program_, options_.print_filter);
    image_ = parse_guest_image(guest_elf);
    personality_ = recognise_personality(*image_);
    backend_ = backend ? std::move(backend) : choose_backend();
    personality_->check_backend(backend_->abi_kind());
    // A guest that shares the monitor's process could skip or forge what that process does
    // at its end: a guardian outside it does what must be trusted (monitor/guardian.hpp).
    guarded_ = backend_->filter_is_the_boundary() &&
               (options_.timeout_seconds || !options_.stats_path.empty() || !options_.dumpcore_dir.empty() ||
                options_.scrub || !options_.device_options.empty());
    // Before the backend's early start: --dumpcore's supervisor is a fork, which must not
    // copy a process whose background set-up is half done.
    exit_actions_.start(guarded_);
    if (!options_.print_filter) backend_->start_early();
    attach_devices(personality_->manifest(), options_, modules_);
    personality_->devices_attached(modules_);
    personality_->register_hypercalls(dispatcher_, modules_);
    // An spt-style guest whose system calls reach the host drives its devices itself.
    if (personality_->guest_makes_system_calls() && backend_->guest_syscalls_reach_host())
        device_access_ = DeviceAccess::guest_syscalls;
    if (device_access_ == DeviceAccess::hypercalls)
        for (Module* m : modules_) m->prepare_io(backend_->doorbells() != nullptr);
    if (options_.print_filter) {
        SyscallPolicy policy = build_policy();
        print_policy(stdout, policy, backend_->name());
        backend_->print_filter_extra(stdout, policy);
        std::vector<IoThreadPolicy> threads;
        for (Module* m : modules_) m->io_thread_policies(threads);
        for (const IoThreadPolicy& t : threads) print_thread_policy(stdout, *t.policy, t.thread.c_str());
        return 0;
    }
    std::fflush(stdout);
    boot();
}

std::unique_ptr<Backend> Run::choose_backend() {
    BackendChoice choice = options_.backend;
    if (choice == BackendChoice::automatic && personality_->native_backend() != BackendChoice::automatic) {
        choice = personality_->native_backend();
        if (options_.verbose)
            std::fprintf(stderr, "ukmon: backend auto: %s (the %s guest's own)\n",
                         choice == BackendChoice::kvm ? "kvm" : "seccomp", personality_->name());
    }
    switch (choice) {
        case BackendChoice::kvm: return make_kvm_backend(options_);
        case BackendChoice::seccomp: return make_seccomp_backend(options_);
        case BackendChoice::automatic: break;
    }
    std::string why;
    if (kvm_available(why)) {
        if (options_.verbose) std::fprintf(stderr, "ukmon: backend auto: kvm (/dev/kvm opens)\n");
        return make_kvm_backend(options_);
    }
    if (options_.verbose) std::fprintf(stderr, "ukmon: backend auto: seccomp (%s)\n", why.c_str());
    return make_seccomp_backend(options_);
}

// Each owner's rules, in one order: the personality's hypercalls, the core's own exit path,
// the deadline, the modules, the exit actions, the backend.
SyscallPolicy Run::build_policy() const {
    SyscallPolicy p;
    personality_->add_syscall_rules(p);
    p.allow(__NR_write, {{0, 2, ~0ull, "stderr"}}, "core", "diagnoses and exit reports");
    p.allow(__NR_exit_group, {}, "core", "the end of the run: the process exits with its code");
    deadline::add_syscall_rules(p, guarded_ ? 0 : options_.timeout_seconds);  // a guardian keeps the time
    for (Module* m : modules_) {
        if (device_access_ == DeviceAccess::guest_syscalls) m->add_guest_syscall_rules(p);
        else m->add_syscall_rules(p);
    }
    exit_actions_.add_syscall_rules(p);
    backend_->add_syscall_rules(p);
    return p;
}

void Run::boot() {
    Backend& b = *backend_;
    const uint64_t mem_size = options_.mem_bytes;
    rights_ = personality_->layout(mem_size, b.gate_in_guest_memory());
    GuestMemory ram = b.map_memory(mem_size, rights_, guarded_ && (options_.scrub || !options_.dumpcore_dir.empty()));
    BootEnv env{mem_size, b.gate_address(), b.tsc_hz(), b.clock_base(), b.abi_kind(), program_, options_.guest_args};
    EntryState entry = personality_->boot(ram, env);
    if (entry.serve_syscalls) {  // the rules a seccomp filter would hold, checked by us instead
        personality_->add_syscall_rules(device_model_);
        for (Module* m : modules_) m->add_guest_syscall_rules(device_model_);
        device_model_.allow(__NR_exit_group, {}, "core", "the guest's end");
    }
    // Hypercalls get the guest's own rights: never a page it may not read or write itself.
    access_ = guest_access_map(rights_);
    uint64_t low = rights_.all().front().start;
    ctx_.emplace(RunContext{ram.sub_range(low, mem_size).restricted_to(&access_), 1, {}, {}});
    for (uint64_t nr = 0; nr < UK_HC_MAX; ++nr) {
        ctx_->hypercall_names[nr] = dispatcher_.own_name(nr);
        ctx_->own_hypercall_names |= ctx_->hypercall_names[nr] != nullptr;
    }
    exit_actions_.attach(b, ram, b.monitor_writes_all_ram(), *ctx_, rights_);
    b.prepare(*this, rights_, entry);
    for (Module* m : modules_) m->start_io(ctx_->mem, b.doorbells());
    if (guarded_) {
        guardian::Duties duties;
        duties.timeout_seconds = options_.timeout_seconds;
        for (Module* m : modules_) m->files_to_sync(duties.sync_fds);
        duties.report = report_ = guardian::map_report_page();
        duties.verbose = options_.verbose;
        duties.raw_exit_is_normal = personality_->guest_makes_system_calls();
        duties.exit_code = [this](int code, const RunOutcome* o) { return exit_code(code, o); };
        guardian::start(duties, exit_actions_, times_);  // from here on: the guest's process
    }
    SyscallPolicy policy = build_policy();
    stop_signals::install();
    deadline::arm(options_.timeout_seconds, !guarded_);
    lock_down(policy);
    stage_ = Stage::running;
    RunOutcome outcome;
    try {
        outcome = b.enter(*this);
    } catch (const GuestFault& e) {
        outcome = RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: %s", e.what());
    } catch (const std::exception& e) {  // e.g. a host error on the GDB paths: still concluded
        outcome = RunOutcome::make(RunOutcome::Kind::host_error, "%s", e.what());
    }
    conclude(outcome);
}

// Privileges dropped last: right before the first guest instruction.
void Run::lock_down(const SyscallPolicy& policy) {
#ifdef UKMON_SANITIZE
    // ASan/UBSan runtimes make system calls of their own (sigaltstack, mmap, pipe2) at any
    // time; a filter would kill them. Where the filter is a second wall (kvm), sanitizer
    // builds test the rest unfiltered; where it is the only one (seccomp), it stays.
    if (!backend_->filter_is_the_boundary()) {
        if (options_.verbose) std::fprintf(stderr, "ukmon: %s: sanitizer build: no self-lockdown filter\n", backend_->name());
        return;
    }
#endif
    auto program = sandbox::compile_filter(policy);
    if (options_.verbose)
        std::fprintf(stderr, "ukmon: %s: filter of %zu system calls\n", backend_->name(), policy.distinct_syscalls().size());
    sandbox::reserve_heap();  // after this, nothing gives memory back or maps more
    std::fflush(stdout);
    std::fflush(stderr);
    sandbox::install_filter(program);
}

std::optional<RunOutcome> Run::serve_hypercall(uint64_t nr, uint64_t arg_gpa) {
    try {
        dispatcher_.dispatch(*ctx_, nr, arg_gpa);
    } catch (const GuestFault& f) {
        return RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: %s", f.what());
    } catch (const std::exception& e) {
        return RunOutcome::make(RunOutcome::Kind::host_error, "monitor error in a hypercall: %s", e.what());
    }
    if (ctx_->halt) return RunOutcome::halted(ctx_->halt->status);
    return std::nullopt;
}

std::optional<RunOutcome> Run::serve_syscall(GuestSyscall& call) {
    if (!device_model_.allows(call.nr, call.args)) {
        char sym[160];
        arch::format_symbol(sym, sizeof sym, call.rip, *image_);
        const char* name = call.nr < 0x40000000 ? syscall_name(int(call.nr)) : "?";
        return RunOutcome::make(RunOutcome::Kind::killed,
                                "guest killed: forbidden system call %s (%llu); its device model refused it\n  rip=0x%llx%s",
                                name, (unsigned long long)call.nr, (unsigned long long)call.rip, sym);
    }
    try {
        auto end = personality_->serve_syscall(*ctx_, call);
        if (end && end->kind == RunOutcome::Kind::halted) ctx_->halt = HaltRequest{end->status, {}, 0};
        return end;
    } catch (const GuestFault& f) {
        return RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: %s", f.what());
    } catch (const std::exception& e) {
        return RunOutcome::make(RunOutcome::Kind::host_error, "monitor error in a system call: %s", e.what());
    }
}

void Run::mark_guest_start() { times_.guest_start_ns = stats::now_ns(); }

int Run::end_before_start(const char* kind, int code, const char* message) {
    if (report_ && ctx_) {  // the guest's process of a guarded run, before its guest ran: tell the guardian
        RunOutcome o = RunOutcome::make(RunOutcome::Kind::host_error, "%s", message);
        write_guest_process_report(*report_, o, ukmon::exit_code::host_error, 0, *ctx_, modules_);
        return ukmon::exit_code::host_error;  // the guardian maps it (Duties::exit_code)
    }
    return exit_code(exit_actions_.run_early(kind, code, message, times_), nullptr);
}

int Run::exit_code(int ukmon_code, const RunOutcome* outcome) const {
    if (personality_) return personality_->exit_code(ukmon_code, outcome);
    return exit_code_by_note_owner(guest_elf_, ukmon_code);  // only on a failure path
}

}  // namespace ukmon
