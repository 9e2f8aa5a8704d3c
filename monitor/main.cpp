// The baked executable's entry: the guest is the one embedded at bake time (monitor/entry.cpp
// does the rest).
#include <string_view>
#include <vector>

#include "monitor/embedded_guest.hpp"
#include "monitor/entry.hpp"
#include "monitor/fd_hygiene.hpp"
#include "monitor/stats.hpp"

int main(int argc, char** argv) {
    using namespace ukmon;
    uint64_t start = stats::now_ns();  // boot time (--stats) counts from here
    std::vector<std::string_view> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    // First: nothing inherited beyond stdio (and an fd an option names: --net:NAME=@N)
    // reaches the guest's run.
    sanitize_inherited_fds(fds_named_by_options(args));
    return run_monitor(argc > 0 ? argv[0] : "ukmon", args, embedded_guest(), start);
}
