// ukmon-run [OPTIONS] KERNEL [ARGS...]: runs a guest ELF file without baking it, as Solo5's
// tenders (solo5-hvt, solo5-spt) do: KERNEL is a Solo5 .hvt or .spt image or one of our own
// guests; the options before it are the monitor's (--mem=MiB as the tenders take it, device
// options, ukmon's own), the words after it the guest's. All modules are linked.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/cli.hpp"
#include "monitor/entry.hpp"
#include "monitor/module.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/fd_hygiene.hpp"
#include "monitor/stats.hpp"

namespace {

constexpr size_t max_kernel_bytes = 1ull << 30;

bool read_kernel(const char* path, std::vector<std::byte>& out, std::string& why) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        why = std::strerror(errno);
        return false;
    }
    std::byte buf[1 << 16];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) {
        if (out.size() + size_t(n) > max_kernel_bytes) {
            ::close(fd);
            why = "larger than 1 GiB";
            return false;
        }
        out.insert(out.end(), buf, buf + n);
    }
    int err = errno;
    ::close(fd);
    if (n < 0) why = std::strerror(err);
    return n == 0;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// The baked executable's --help, with this runner's first lines.
int print_help(const char* prog) {
    std::string text = ukmon::usage_text(prog);
    size_t body = text.find("\n\n");
    std::printf("usage: %s [OPTIONS] KERNEL [ARGS...]\n"
                "Runs KERNEL: a Solo5 image (.hvt: under kvm; .spt: as a seccomp process, or under kvm with\n"
                "--backend=kvm) or a ukmon guest ELF. ARGS go to the guest. --mem=N without a suffix is MiB,\n"
                "as with Solo5's tenders.%s",
                prog, body == std::string::npos ? "\n" : text.c_str() + body);
    for (ukmon::Module* m : ukmon::linked_modules()) std::fputs(m->options_help().c_str(), stdout);
    std::fputs(ukmon::exit_codes_text().c_str(), stdout);
    std::printf("A Solo5 guest's run exits as Solo5's tenders do: its status, 255 abort or CPU exception,\n"
                "159 refused system call, 1 monitor error or bad input.\n");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace ukmon;
    uint64_t start = stats::now_ns();
    {  // --net:NAME=@N hands the guest an inherited TAP fd, as with Solo5's tenders
        std::vector<std::string_view> raw(argv + (argc > 0 ? 1 : 0), argv + argc);
        sanitize_inherited_fds(fds_named_by_options(raw));
    }
    const char* prog = argc > 0 ? argv[0] : "ukmon-run";
    std::vector<std::string> words;  // the monitor's options, then "--", then the guest's words
    const char* kernel = nullptr;
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.empty() || a[0] != '-') break;
        // The tenders' --mem=N is in MiB; ukmon's --mem takes a suffix (a bare number: bytes).
        if (a.starts_with("--mem=") && all_digits(a.substr(6))) words.push_back(std::string(a) + "M");
        else words.emplace_back(a);
    }
    if (i < argc) kernel = argv[i++];
    bool help_or_version = false;
    for (const std::string& w : words) {
        if (w == "--help" || w == "-h") return print_help(prog);
        help_or_version |= w == "--version";
    }
    if (!kernel && !help_or_version) {
        std::fprintf(stderr, "%s: missing KERNEL operand\nusage: %s [OPTIONS] KERNEL [ARGS...]\n", prog, prog);
        return exit_code::usage;
    }
    std::vector<std::byte> elf;
    if (kernel) {
        std::string why;
        if (!read_kernel(kernel, elf, why)) {
            std::fprintf(stderr, "%s: %s: cannot read: %s\n", prog, kernel, why.c_str());
            return exit_code::usage;
        }
    }
    words.emplace_back("--");
    for (; i < argc; ++i) words.emplace_back(argv[i]);
    std::vector<std::string_view> args(words.begin(), words.end());
    return run_monitor(prog, args, elf, start);
}
