// Command-line parsing: monitor flags, module device options, and guest args after "--".
#include "monitor/cli.hpp"

#include <algorithm>
#include <charconv>

#include "monitor/error.hpp"

namespace ukmon {
namespace {

[[noreturn]] void bad(std::string_view arg, std::string_view why) {
    throw UsageError("bad option '" + std::string(arg) + "': " + std::string(why));
}

BackendChoice parse_backend(std::string_view arg, std::string_view v) {
    if (v == "auto") return BackendChoice::automatic;
    if (v == "kvm") return BackendChoice::kvm;
    if (v == "seccomp") return BackendChoice::seccomp;
    bad(arg, "backend must be kvm, seccomp or auto");
}

DeviceOption parse_device_option(std::string_view arg, std::span<const std::string_view> words) {
    // --WORD:NAME[=VALUE]
    auto colon = arg.find(':');
    std::string_view word = arg.substr(2, colon - 2);
    std::string_view rest = arg.substr(colon + 1);
    if (std::find(words.begin(), words.end(), word) == words.end())
        bad(arg, "this executable has no module that takes --" + std::string(word) +
                     ": (its guest declares no such device)");
    auto eq = rest.find('=');
    std::string_view device = rest.substr(0, eq);
    if (device.empty()) bad(arg, "missing device name after ':'");
    DeviceOption opt{std::string(word), std::string(device), std::nullopt, std::string(arg)};
    if (eq != std::string_view::npos) opt.value = std::string(rest.substr(eq + 1));
    return opt;
}

}  // namespace

uint64_t parse_mem_size(std::string_view text) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    std::string_view suffix(end, text.data() + text.size() - end);
    if (ec == std::errc::result_out_of_range)
        throw UsageError("memory size '" + std::string(text) + "' is larger than the 4G limit");
    if (ec != std::errc() || end == text.data())
        throw UsageError("bad memory size '" + std::string(text) + "': expected a number like 64M");
    unsigned shift = 0;
    if (suffix == "K" || suffix == "k") shift = 10;
    else if (suffix == "M" || suffix == "m") shift = 20;
    else if (suffix == "G" || suffix == "g") shift = 30;
    else if (!suffix.empty())
        throw UsageError("bad memory size '" + std::string(text) + "': unknown suffix (use K, M or G)");
    if (n > (max_mem_bytes >> shift))
        throw UsageError("memory size '" + std::string(text) + "' is larger than the 4G limit");
    uint64_t bytes = n << shift;
    if (bytes < min_mem_bytes)
        throw UsageError("memory size '" + std::string(text) + "' is smaller than the 4M minimum");
    if (bytes % (2ull << 20) != 0)
        throw UsageError("memory size '" + std::string(text) + "' is not a multiple of 2M");
    return bytes;
}

Options parse_cli(std::span<const std::string_view> args, std::span<const std::string_view> words) {
    Options o;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        auto value_of = [&](std::string_view flag) -> std::optional<std::string_view> {
            if (a.size() > flag.size() && a.substr(0, flag.size()) == flag && a[flag.size()] == '=')
                return a.substr(flag.size() + 1);
            return std::nullopt;
        };
        if (a == "--") {
            o.guest_args.assign(args.begin() + i + 1, args.end());
            break;
        } else if (a == "--help" || a == "-h") {
            o.help = true;
        } else if (a == "--version") {
            o.version = true;
        } else if (a == "--verbose" || a == "-v") {
            o.verbose = true;
        } else if (a == "--print-filter") {
            o.print_filter = true;
        } else if (a == "--kvm-cpl0") {
            o.kvm_cpl0 = true;
        } else if (auto v = value_of("--backend")) {
            o.backend = parse_backend(a, *v);
        } else if (auto v = value_of("--mem")) {
            o.mem_bytes = parse_mem_size(*v);
        } else if (a.substr(0, 2) == "--" && a.find(':') != std::string_view::npos) {
            o.device_options.push_back(parse_device_option(a, words));
        } else if (a.substr(0, 1) == "-") {
            bad(a, "unknown option (see --help)");
        } else {
            bad(a, "unexpected argument; guest arguments go after '--'");
        }
    }
    return o;
}

std::string usage_text(std::string_view program) {
    std::string p(program);
    return "usage: " + p + " [OPTIONS] [-- GUEST ARGS...]\n"
           "Runs the unikernel baked into this executable.\n\n"
           "  --backend=kvm|seccomp|auto  where to run it (default auto: kvm if /dev/kvm opens)\n"
           "  --mem=SIZE                  guest memory, e.g. 64M (multiple of 2M, 4M..4G; default 64M)\n"
           "  --verbose, -v               say what the monitor decides and why\n"
           "  --print-filter              print the seccomp filter this run would install, then exit\n"
           "  --kvm-cpl0                  kvm: run the guest at CPL0 (emulated, slow, on PVM hosts)\n"
           "  --version                   print versions and exit\n"
           "  --help, -h                  this text\n";
}

}  // namespace ukmon
