// The baked executable's entry: one Run (monitor/run.hpp) drives the whole protocol; every
// failure before the guest starts is one of three exceptions (monitor/error.hpp), caught here.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "monitor/embedded_guest.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/fd_hygiene.hpp"
#include "monitor/run.hpp"
#include "monitor/stats.hpp"

namespace {

std::string base_name(const char* path) {
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ukmon;
    uint64_t start = stats::now_ns();  // boot time (--stats) counts from here
    sanitize_inherited_fds();  // first: nothing inherited beyond stdio reaches the guest's run
    ::signal(SIGPIPE, SIG_IGN);  // a closed console fails the guest's puts; it does not kill us
    const char* prog = argc > 0 ? argv[0] : "ukmon";
    Run run(base_name(prog), linked_modules(), start);
    try {
        std::vector<std::string_view> args(argv + 1, argv + argc);
        return run.execute(args, embedded_guest());
    } catch (const UsageError& e) {  // printable(): a quoted path or name cannot break the one line
        std::fprintf(stderr, "%s: %s\n", prog, printable(e.what()).c_str());
        return run.end_before_start("usage_error", exit_code::usage, e.what());
    } catch (const HostError& e) {
        std::fprintf(stderr, "%s: %s\n", prog, printable(e.what()).c_str());
        return run.end_before_start("host_error", exit_code::host_error, e.what());
    } catch (const GuestFault& e) {
        std::fprintf(stderr, "%s: guest crashed: %s\n", prog, e.what());
        return run.end_before_start("crashed", exit_code::crash, e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: internal error: %s\n", prog, e.what());
        return run.end_before_start("host_error", exit_code::host_error, e.what());
    }
}
