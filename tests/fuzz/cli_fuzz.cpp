// Fuzz target: the command line (parse_cli, parse_mem_size, parse_timeout) and the manifest
// check it feeds (attach_devices, with modules that record instead of opening anything).
// Input: the arguments after argv[0], separated by NUL bytes.
//
// Invariants: a refusal is a one-line UsageError; accepted options are within their limits
// (memory 4M..4G in 2M steps, timeout 1..2^32-1), every device option names a word some
// module takes and a non-empty device; a module is handed only its own declared devices and
// only options that name one of them.
#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/cli.hpp"
#include "monitor/devices.hpp"
#include "monitor/error.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/module.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

using namespace ukmon;

// A module that checks what the manifest check hands it and opens nothing.
class RecordingModule final : public Module {
public:
    RecordingModule(const char* name, uint32_t type, std::vector<std::string_view> words)
        : name_(name), type_(type), words_(std::move(words)) {}
    const char* name() const override { return name_; }
    uint32_t device_type() const override { return type_; }
    std::vector<std::string_view> option_words() const override { return words_; }
    std::string options_help() const override { return ""; }
    void attach(std::span<const DeclaredDevice> declared, std::span<const DeviceOption> options) override {
        for (const DeclaredDevice& d : declared) FUZZ_CHECK(d.handle < UK_MAX_DEVICES);
        for (const DeviceOption& o : options) {
            FUZZ_CHECK(std::find(words_.begin(), words_.end(), o.word) != words_.end());
            FUZZ_CHECK(std::any_of(declared.begin(), declared.end(), [&](auto& d) { return d.name == o.device; }));
        }
    }
    void register_hypercalls(Dispatcher&) override {}
    void add_syscall_rules(SyscallPolicy&) const override {}

private:
    const char* name_;
    uint32_t type_;
    std::vector<std::string_view> words_;
};

void check_usage_error(const UsageError& e) {
    std::string msg = e.what();
    FUZZ_CHECK(!msg.empty());
    FUZZ_CHECK(msg.find('\n') == std::string::npos);
}

int run(const uint8_t* data, size_t size) {
    std::string_view all(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> args;
    for (size_t start = 0; start <= all.size() && args.size() < 64;) {
        size_t nul = all.find('\0', start);
        if (nul == std::string_view::npos) nul = all.size();
        args.push_back(all.substr(start, nul - start));
        start = nul + 1;
    }
    for (std::string_view a : args) {  // the value parsers on their own, on every argument
        try {
            uint64_t m = parse_mem_size(a);
            FUZZ_CHECK(m >= min_mem_bytes && m <= max_mem_bytes && m % (2ull << 20) == 0);
        } catch (const UsageError& e) {
            check_usage_error(e);
        }
        try {
            uint64_t t = parse_timeout(a);
            FUZZ_CHECK(t >= 1 && t <= 0xFFFF'FFFFull);
        } catch (const UsageError& e) {
            check_usage_error(e);
        }
    }
    static const std::vector<std::string_view> words{"net", "net-mac", "block", "block-ro"};
    Options o;
    try {
        o = parse_cli(args, words);
    } catch (const UsageError& e) {
        check_usage_error(e);
        return 0;
    }
    FUZZ_CHECK(o.mem_bytes >= min_mem_bytes && o.mem_bytes <= max_mem_bytes && o.mem_bytes % (2ull << 20) == 0);
    FUZZ_CHECK(o.timeout_seconds <= 0xFFFF'FFFFull);
    for (const DeviceOption& d : o.device_options) {
        FUZZ_CHECK(std::find(words.begin(), words.end(), d.word) != words.end());
        FUZZ_CHECK(!d.device.empty());
    }
    FUZZ_CHECK(o.guest_args.size() <= args.size());

    // The manifest check against a guest that declares net "service" and blk "disk".
    const DeviceDecl manifest[] = {{UK_DEV_NET, "service"}, {UK_DEV_BLK, "disk"}};
    RecordingModule net("net", UK_DEV_NET, {"net", "net-mac"});
    RecordingModule blk("blk", UK_DEV_BLK, {"block", "block-ro"});
    Module* modules[] = {&net, &blk};
    try {
        attach_devices(manifest, o, modules);
    } catch (const UsageError& e) {
        check_usage_error(e);
    }
    return 0;
}

}  // namespace

UKMON_FUZZ_TARGET(cli, run, nullptr)
