// Command-line parsing of a baked executable: pure, throws UsageError with one line.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/printable.hpp"  // printable(): messages quoting user input

namespace ukmon {

enum class BackendChoice { automatic, kvm, seccomp };

// A device option such as --net:service=tap0 : word "net", device "service", value "tap0".
struct DeviceOption {
    std::string word;
    std::string device;
    std::optional<std::string> value;  // absent in --WORD:NAME; the module decides if it may be
    std::string text;                  // as typed, for error messages
};

struct Options {
    BackendChoice backend = BackendChoice::automatic;
    uint64_t mem_bytes = 64ull << 20;
    bool help = false;
    bool version = false;
    bool verbose = false;
    bool print_filter = false;
    bool kvm_cpl0 = false;             // run the guest at CPL0 (emulated on PVM hosts)
    bool kvm_no_vif = false;           // a supervisor-mode guest gets no PVM VIF page
    uint64_t timeout_seconds = 0;      // --timeout: end the run (exit 251) after this; 0: never
    std::optional<uint16_t> gdb_port;  // --gdb=PORT (kvm): wait for gdb on 127.0.0.1; 0: any free port
    std::string stats_path;            // --stats=FILE: JSON report at exit (exit_actions.hpp)
    std::string dumpcore_dir;          // --dumpcore=DIR: guest core on a crash
    bool dumpcore_on_halt = false;     // --dumpcore-on-halt: a core at a clean halt too
    bool scrub = false;                // --scrub: zero guest RAM before exit
    std::vector<DeviceOption> device_options;
    std::vector<std::string> guest_args;
};

inline constexpr uint64_t min_mem_bytes = 4ull << 20;
inline constexpr uint64_t max_mem_bytes = 4ull << 30;

// argv[0] excluded. `device_words` are the option words the linked modules accept
// (e.g. "net", "net-mac"); any other --WORD:NAME is an error that says so.
Options parse_cli(std::span<const std::string_view> args,
                  std::span<const std::string_view> device_words);

// "64M" -> bytes; suffixes K M G (powers of 1024); must be a multiple of 2 MiB within limits.
uint64_t parse_mem_size(std::string_view text);

// "30" -> 30: whole seconds, 1..4294967295 (what alarm(2) takes).
uint64_t parse_timeout(std::string_view text);


// The --help text (module options are listed by the caller).
std::string usage_text(std::string_view program);
// The end of --help: what the process exit codes mean.
std::string exit_codes_text();

}  // namespace ukmon
