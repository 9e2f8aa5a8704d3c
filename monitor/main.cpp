// The baked executable's entry: the fixed boot order of one run.
//   parse CLI -> parse the embedded guest ELF -> manifest check and device attach ->
//   hypercall table -> pick backend -> syscall policy -> boot and run -> exit actions.
#include <sys/syscall.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "backends/backend.hpp"
#include "monitor/cli.hpp"
#include "monitor/core_hypercalls.hpp"
#include "monitor/devices.hpp"
#include "monitor/embedded_guest.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_actions.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/exit_plan.hpp"
#include "monitor/fd_hygiene.hpp"
#include "monitor/random_hypercall.hpp"
#include "monitor/stats.hpp"
#include "monitor/timeout.hpp"
#include "monitor/version.hpp"

namespace ukmon {
namespace {

std::string base_name(const char* path) {
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

std::unique_ptr<Backend> choose_backend(const Options& o) {
    switch (o.backend) {
        case BackendChoice::kvm: return make_kvm_backend(o);
        case BackendChoice::seccomp: return make_seccomp_backend();
        case BackendChoice::automatic: break;
    }
    std::string why;
    if (kvm_available(why)) {
        if (o.verbose) std::fprintf(stderr, "ukmon: backend auto: kvm (/dev/kvm opens)\n");
        return make_kvm_backend(o);
    }
    if (o.verbose) std::fprintf(stderr, "ukmon: backend auto: seccomp (%s)\n", why.c_str());
    return make_seccomp_backend();
}

void add_core_rules(SyscallPolicy& p) {
    p.allow(__NR_write, {{0, 1, ~0ull, "stdout"}}, "core", "puts hypercall: the guest's console");
    p.allow(__NR_write, {{0, 2, ~0ull, "stderr"}}, "core", "diagnoses and exit reports");
    p.allow(__NR_clock_gettime, {}, "core", "walltime hypercall (when the vDSO falls back)");
    p.allow(__NR_clock_nanosleep, {}, "core", "poll hypercall without NICs: sleep until the deadline");
    p.allow(__NR_exit_group, {}, "core", "halt: end the process with the guest's status");
    add_random_rules(p);  // random hypercall: getrandom, flags 0 and short lengths only
}

int run(int argc, char** argv) {
    sanitize_inherited_fds();  // first: nothing inherited beyond stdio reaches the guest's run
    std::string program = base_name(argv[0]);
    auto modules = linked_modules();
    std::vector<std::string_view> words;
    for (Module* m : modules)
        for (auto w : m->option_words()) words.push_back(w);
    std::vector<std::string_view> args(argv + 1, argv + argc);
    Options options = parse_cli(args, words);
    if (options.help) {
        std::string text = usage_text(program);
        for (Module* m : modules) text += m->options_help();
        text += exit_codes_text();
        std::fputs(text.c_str(), stdout);
        return 0;
    }
    if (options.version) {
        std::printf("%s: ukmon %s, guest ABI %u\n", program.c_str(), version_string, UK_ABI_VERSION);
        return 0;
    }
    // --stats file, --dumpcore supervisor: before anything can fail, so that every ending is reported
    exit_plan::prepare(options, program, options.print_filter);
    GuestImage image = parse_guest_image(embedded_guest());
    attach_devices(image, options, modules);

    Dispatcher dispatcher;
    for (Module* m : modules) m->register_hypercalls(dispatcher);
    register_core_hypercalls(dispatcher);

    auto backend = choose_backend(options);
    if (options.gdb_port && std::strcmp(backend->name(), "kvm") != 0)
        throw UsageError("--gdb needs the kvm backend; under seccomp the guest is an ordinary process: "
                         "debug it with plain gdb (see docs/debugging.md)");
    SyscallPolicy policy;
    add_core_rules(policy);
    timeout::add_syscall_rules(policy, options.timeout_seconds);
    backend->add_syscall_rules(policy);
    for (Module* m : modules) m->add_syscall_rules(policy);
    exit_plan::add_syscall_rules(policy);
    if (options.print_filter) {
        backend->print_filter(stdout, policy);
        return 0;
    }
    std::fflush(stdout);
    Boot boot{options, image, dispatcher, modules, program, policy};
    conclude(backend->run(boot), modules);
}

}  // namespace
}  // namespace ukmon

int main(int argc, char** argv) {
    using namespace ukmon;
    stats::mark_monitor_start();  // boot time (--stats) counts from here
    const char* prog = argc > 0 ? argv[0] : "ukmon";
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {  // printable(): a quoted path or name cannot break the one line
        std::fprintf(stderr, "%s: %s\n", prog, printable(e.what()).c_str());
        return exit_plan::finish_early("usage_error", exit_code::usage, e.what());
    } catch (const HostError& e) {
        std::fprintf(stderr, "%s: %s\n", prog, printable(e.what()).c_str());
        return exit_plan::finish_early("host_error", exit_code::host_error, e.what());
    } catch (const GuestFault& e) {
        std::fprintf(stderr, "%s: guest crashed: %s\n", prog, e.what());
        return exit_plan::finish_early("crashed", exit_code::crash, e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: internal error: %s\n", prog, e.what());
        return exit_plan::finish_early("host_error", exit_code::host_error, e.what());
    }
}
