// Command-line parsing: monitor flags, module device options, and guest args after "--".
#include "monitor/cli.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "monitor/error.hpp"

namespace ukmon {
namespace {

[[noreturn]] void bad(std::string_view arg, std::string_view why) {
    throw UsageError("bad option '" + printable(arg) + "': " + std::string(why));
}

BackendChoice parse_backend(std::string_view arg, std::string_view v) {
    if (v == "auto") return BackendChoice::automatic;
    if (v == "kvm") return BackendChoice::kvm;
    if (v == "seccomp") return BackendChoice::seccomp;
    bad(arg, "backend must be kvm, seccomp or auto");
}

uint16_t parse_gdb_port(std::string_view arg, std::string_view v) {
    unsigned n = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || end != v.data() + v.size() || v.empty() || n > 65535)
        bad(arg, "expected a TCP port number, 0..65535 (0: any free port)");
    return uint16_t(n);
}

DeviceOption parse_device_option(std::string_view arg, std::span<const std::string_view> words) {
    // --WORD:NAME[=VALUE]
    auto colon = arg.find(':');
    std::string_view word = arg.substr(2, colon - 2);
    std::string_view rest = arg.substr(colon + 1);
    if (std::find(words.begin(), words.end(), word) == words.end())
        bad(arg, "this executable has no module that takes --" + printable(word) +
                     ": (its guest declares no such device)");
    auto eq = rest.find('=');
    std::string_view device = rest.substr(0, eq);
    if (device.empty()) bad(arg, "missing device name after ':'");
    // The manifest's own rule (guest_image.cpp): no other name can match a declared device.
    bool name_ok = device.size() < 32 && std::all_of(device.begin(), device.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!name_ok) bad(arg, "a device name is 1..31 characters of A-Z a-z 0-9 _ -");
    DeviceOption opt{std::string(word), std::string(device), std::nullopt, printable(arg)};
    if (eq != std::string_view::npos) opt.value = std::string(rest.substr(eq + 1));
    return opt;
}

}  // namespace

std::string printable(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        if (c >= 0x20 && c != 0x7f) {
            out += char(c);
            continue;
        }
        char esc[5];
        std::snprintf(esc, sizeof esc, "\\x%02x", c);
        out += esc;
    }
    return out;
}

uint64_t parse_mem_size(std::string_view text) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    std::string_view suffix(end, text.data() + text.size() - end);
    if (ec == std::errc::result_out_of_range)
        throw UsageError("memory size '" + printable(text) + "' is larger than the 4G limit");
    if (ec != std::errc() || end == text.data())
        throw UsageError("bad memory size '" + printable(text) + "': expected a number like 64M");
    unsigned shift = 0;
    if (suffix == "K" || suffix == "k") shift = 10;
    else if (suffix == "M" || suffix == "m") shift = 20;
    else if (suffix == "G" || suffix == "g") shift = 30;
    else if (!suffix.empty())
        throw UsageError("bad memory size '" + printable(text) + "': unknown suffix (use K, M or G)");
    if (n > (max_mem_bytes >> shift))
        throw UsageError("memory size '" + printable(text) + "' is larger than the 4G limit");
    uint64_t bytes = n << shift;
    if (bytes < min_mem_bytes)
        throw UsageError("memory size '" + printable(text) + "' is smaller than the 4M minimum");
    if (bytes % (2ull << 20) != 0)
        throw UsageError("memory size '" + printable(text) + "' is not a multiple of 2M");
    return bytes;
}

uint64_t parse_timeout(std::string_view text) {
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || text[0] == '+' || n == 0 ||
        n > 0xFFFF'FFFFull)
        throw UsageError("bad timeout '" + printable(text) + "': expected whole seconds, 1..4294967295");
    return n;
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
        } else if (auto v = value_of("--timeout")) {
            o.timeout_seconds = parse_timeout(*v);
        } else if (auto v = value_of("--gdb")) {
            o.gdb_port = parse_gdb_port(a, *v);
        } else if (auto v = value_of("--stats")) {
            if (v->empty()) bad(a, "expected a file name");
            o.stats_path = std::string(*v);
        } else if (auto v = value_of("--dumpcore")) {
            if (v->empty()) bad(a, "expected a directory");
            o.dumpcore_dir = std::string(*v);
        } else if (a == "--dumpcore-on-halt") {
            o.dumpcore_on_halt = true;
        } else if (a == "--scrub") {
            o.scrub = true;
        } else if (a.substr(0, 2) == "--" && a.find(':') != std::string_view::npos) {
            o.device_options.push_back(parse_device_option(a, words));
        } else if (a.substr(0, 1) == "-") {
            bad(a, "unknown option (see --help)");
        } else {
            bad(a, "unexpected argument; guest arguments go after '--'");
        }
    }
    if (o.dumpcore_on_halt && o.dumpcore_dir.empty())
        throw UsageError("bad option '--dumpcore-on-halt': it needs --dumpcore=DIR (where to write the core)");
    return o;
}

std::string usage_text(std::string_view program) {
    std::string p(program);
    return "usage: " + p + " [OPTIONS] [-- GUEST ARGS...]\n"
           "Runs the unikernel baked into this executable.\n\n"
           "  --backend=kvm|seccomp|auto  where to run it (default auto: kvm if /dev/kvm opens)\n"
           "  --mem=SIZE                  guest memory, e.g. 64M (multiple of 2M, 4M..4G; default 64M)\n"
           "  --verbose, -v               say what the monitor decides and why\n"
           "  --timeout=SECONDS           end the guest if it still runs after SECONDS (exit code 251)\n"
           "  --stats=FILE                at exit, write what the run did as JSON to FILE (exit reason and\n"
           "                              code, boot and run time, hypercall counts and times, device bytes)\n"
           "  --dumpcore=DIR              if the guest crashes, write an ELF core of its memory and registers\n"
           "                              to DIR/core.APP.PID (gdb GUEST.elf CORE; ukbake --extract-guest)\n"
           "  --dumpcore-on-halt          with --dumpcore: write the core at a clean halt too\n"
           "  --scrub                     zero guest RAM before exiting (for guests that hold secrets)\n"
           "  --print-filter              print the seccomp filter this run would install, then exit\n"
           "  --kvm-cpl0                  kvm: run the guest at CPL0 (emulated, slow, on PVM hosts)\n"
           "  --gdb=PORT                  kvm: stop at entry and wait for gdb on 127.0.0.1:PORT (0: any port)\n"
           "  --version                   print versions and exit\n"
           "  --help, -h                  this text\n";
}

std::string exit_codes_text() {
    return "\nExit codes: 0..247 the guest's halt status; 250 stopped by SIGTERM, SIGINT or SIGHUP (exit\n"
           "  actions ran); 251 the guest ran past --timeout;\n"
           "  252 bad input (flag, ELF, manifest, device); 253 host error (KVM, mmap, I/O, or an exit\n"
           "  action such as a disk flush, --dumpcore or --stats failed after a clean halt); 254 the guest\n"
           "  made a system call the seccomp filter forbids; 255 the guest crashed (CPU fault, triple\n"
           "  fault, ABI violation, halt status above 247).\n";
}

}  // namespace ukmon
