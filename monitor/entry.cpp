// See entry.hpp.
#include "monitor/entry.hpp"

#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/module.hpp"
#include "monitor/run.hpp"

namespace ukmon {
namespace {

std::string base_name(const char* path) {
    const char* slash = std::strrchr(path, '/');
    return slash ? slash + 1 : path;
}

}  // namespace

int run_monitor(const char* prog, std::span<const std::string_view> args, std::span<const std::byte> guest_elf,
                uint64_t start_ns) {
    ::signal(SIGPIPE, SIG_IGN);  // a closed console fails the guest's puts; it does not kill us
    Run run(base_name(prog), linked_modules(), start_ns);
    try {
        return run.execute(args, guest_elf);
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

}  // namespace ukmon
