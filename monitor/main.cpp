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
    sanitize_inherited_fds();  // first: nothing inherited beyond stdio reaches the guest's run
    std::vector<std::string_view> args(argv + 1, argv + argc);
    return run_monitor(argc > 0 ? argv[0] : "ukmon", args, embedded_guest(), start);
}
