// The monitor's entry, shared by a baked executable (main.cpp: the embedded guest) and the
// direct runner (tools/ukmon_run.cpp: a guest file named on the command line): one Run
// drives the protocol; every failure before the guest starts is caught here.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace ukmon {

// `prog`: argv[0] as typed; `args`: the monitor's arguments (guest args after "--").
int run_monitor(const char* prog, std::span<const std::string_view> args, std::span<const std::byte> guest_elf,
                uint64_t start_ns);

}  // namespace ukmon
