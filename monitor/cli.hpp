// Command-line parsing of a baked executable: pure, throws UsageError with one line.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

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

// The --help text (module options are listed by the caller).
std::string usage_text(std::string_view program);

}  // namespace ukmon
