// parse_cli / parse_mem_size: every bad flag is a one-line UsageError naming it; guest
// arguments after "--" reach the guest verbatim.
#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "monitor/cli.hpp"
#include "monitor/error.hpp"

using namespace ukmon;

namespace {

const std::vector<std::string_view> no_words;
const std::vector<std::string_view> net_words{"net", "net-mac"};

Options parse(std::vector<std::string_view> args, const std::vector<std::string_view>& words = no_words) {
    return parse_cli(args, words);
}

// The UsageError message of parse(args), or "" if it did not throw one.
std::string parse_error(std::vector<std::string_view> args, const std::vector<std::string_view>& words = no_words) {
    try {
        parse(args, words);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

std::string mem_error(std::string_view text) {
    try {
        parse_mem_size(text);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("no flags give the documented defaults: auto backend, 64M, no guest args") {
    Options o = parse({});
    CHECK(o.backend == BackendChoice::automatic);
    CHECK(o.mem_bytes == 64ull << 20);
    CHECK_FALSE(o.help);
    CHECK_FALSE(o.version);
    CHECK_FALSE(o.verbose);
    CHECK_FALSE(o.print_filter);
    CHECK_FALSE(o.kvm_cpl0);
    CHECK(o.device_options.empty());
    CHECK(o.guest_args.empty());
}

TEST_CASE("each monitor flag sets exactly its option") {
    CHECK(parse({"--backend=kvm"}).backend == BackendChoice::kvm);
    CHECK(parse({"--backend=seccomp"}).backend == BackendChoice::seccomp);
    CHECK(parse({"--backend=auto"}).backend == BackendChoice::automatic);
    CHECK(parse({"--mem=128M"}).mem_bytes == 128ull << 20);
    CHECK(parse({"--help"}).help);
    CHECK(parse({"-h"}).help);
    CHECK(parse({"--version"}).version);
    CHECK(parse({"--verbose"}).verbose);
    CHECK(parse({"-v"}).verbose);
    CHECK(parse({"--print-filter"}).print_filter);
    CHECK(parse({"--kvm-cpl0"}).kvm_cpl0);
    CHECK(parse({"--kvm-no-vif"}).kvm_no_vif);
    CHECK(!parse({}).kvm_no_vif);
    Options o = parse({"--kvm-cpl0"});
    CHECK_FALSE(o.help);
    CHECK(o.backend == BackendChoice::automatic);
}

TEST_CASE("an unknown flag is refused with a one-line error that names it") {
    for (std::string_view flag : {"--frobnicate", "-x", "--memory=64M", "---"}) {
        CAPTURE(flag);
        std::string e = parse_error({flag});
        CHECK(contains(e, "'" + std::string(flag) + "'"));
        CHECK(contains(e, "unknown option"));
        CHECK_FALSE(contains(e, "\n"));
    }
}

TEST_CASE("an option that takes a value, given without '=' (--mem 64M), is told how to write it") {
    const std::pair<std::string_view, std::string_view> valued[] = {
        {"--backend", "--backend=kvm|seccomp|auto"}, {"--mem", "--mem=SIZE"}, {"--timeout", "--timeout=SECONDS"},
        {"--gdb", "--gdb=PORT"}, {"--stats", "--stats=FILE"}, {"--dumpcore", "--dumpcore=DIR"}};
    for (auto [flag, form] : valued) {
        CAPTURE(flag);
        std::string e = parse_error({flag, "64M"});
        CHECK(e == "bad option '" + std::string(flag) + "': it needs a value: write " + std::string(form) +
                       " (with '=', not a space)");
    }
}

TEST_CASE("a bare word before '--' is refused and the error points at '--'") {
    std::string e = parse_error({"hello"});
    CHECK(contains(e, "'hello'"));
    CHECK(contains(e, "'--'"));
}

TEST_CASE("a --backend value other than kvm, seccomp or auto is refused") {
    for (std::string_view flag : {"--backend=xen", "--backend=", "--backend=KVM", "--backend=kvm "}) {
        CAPTURE(flag);
        std::string e = parse_error({flag});
        CHECK(contains(e, "'" + std::string(flag) + "'"));
        CHECK(contains(e, "kvm, seccomp or auto"));
    }
}

TEST_CASE("parse_mem_size accepts K, M, G (either case) and plain bytes in 2M steps") {
    CHECK(parse_mem_size("64M") == 64ull << 20);
    CHECK(parse_mem_size("64m") == 64ull << 20);
    CHECK(parse_mem_size("4M") == 4ull << 20);       // the minimum
    CHECK(parse_mem_size("6M") == 6ull << 20);
    CHECK(parse_mem_size("4096K") == 4ull << 20);
    CHECK(parse_mem_size("1G") == 1ull << 30);
    CHECK(parse_mem_size("1g") == 1ull << 30);
    CHECK(parse_mem_size("4G") == 4ull << 30);       // the maximum
    CHECK(parse_mem_size("4096M") == 4ull << 30);
    CHECK(parse_mem_size("4194304") == 4ull << 20);  // bytes
}

TEST_CASE("a memory size with a bad suffix is refused") {
    for (std::string_view t : {"64X", "64MB", "64 M", "64MiB", "64M ", "64T"}) {
        CAPTURE(t);
        CHECK(contains(mem_error(t), "unknown suffix"));
    }
}

TEST_CASE("a memory size that is not a number is refused") {
    for (std::string_view t : {"", "M", "-64M", "+64M", " 64M", "0x40M", "sixty"}) {
        CAPTURE(t);
        std::string e = mem_error(t);
        CHECK(contains(e, "bad memory size '" + std::string(t) + "'"));
    }
}

TEST_CASE("a memory size that is not a multiple of 2M is refused, not rounded") {
    for (std::string_view t : {"5M", "4097K", "4194305", "65M", "4095M"}) {
        CAPTURE(t);
        CHECK(contains(mem_error(t), "not a multiple of 2M"));
    }
}

TEST_CASE("a memory size below 4M is refused") {
    for (std::string_view t : {"0", "0M", "2M", "2048K", "1"}) {
        CAPTURE(t);
        CHECK(contains(mem_error(t), "smaller than the 4M minimum"));
    }
}

TEST_CASE("a memory size above 4G is refused, also when the number would overflow when scaled") {
    for (std::string_view t : {"5G", "4098M", "8G", "4194306K", "17179869184K", "18446744073709551615",
                               "18446744073709551615G", "17179869184G"}) {
        CAPTURE(t);
        CHECK(contains(mem_error(t), "larger than the 4G limit"));
    }
}

TEST_CASE("a memory size too long for 64 bits is refused, never wrapped to a small size") {
    // 99999999999999999999 does not fit in uint64_t; it must not come back as anything.
    for (std::string_view t : {"99999999999999999999G", "99999999999999999999", "184467440737095516160K"}) {
        CAPTURE(t);
        std::string e = mem_error(t);
        CHECK(contains(e, "'" + std::string(t) + "'"));
        CHECK_FALSE(e.empty());
    }
}

TEST_CASE("--mem errors come through parse_cli as UsageError") {
    CHECK(contains(parse_error({"--mem=3M"}), "'3M' is smaller than the 4M minimum"));
    CHECK(contains(parse_error({"--mem=5M"}), "not a multiple of 2M"));
    CHECK(contains(parse_error({"--mem=99999999999999999999G"}), "99999999999999999999G"));
    CHECK(contains(parse_error({"--mem="}), "bad memory size"));
}

TEST_CASE("a device option is split into word, device and optional value") {
    Options o = parse({"--net:service=tap0", "--net-mac:service=02:00:00:00:00:01"}, net_words);
    REQUIRE(o.device_options.size() == 2);
    CHECK(o.device_options[0].word == "net");
    CHECK(o.device_options[0].device == "service");
    CHECK(o.device_options[0].value == "tap0");
    CHECK(o.device_options[0].text == "--net:service=tap0");
    CHECK(o.device_options[1].word == "net-mac");
    CHECK(o.device_options[1].value == "02:00:00:00:00:01");  // ':' in a value is kept

    const std::vector<std::string_view> blk_words{"block-ro"};
    Options ro = parse({"--block-ro:storage"}, blk_words);
    REQUIRE(ro.device_options.size() == 1);
    CHECK(ro.device_options[0].device == "storage");
    CHECK_FALSE(ro.device_options[0].value.has_value());

    Options empty_value = parse({"--net:service="}, net_words);
    REQUIRE(empty_value.device_options.size() == 1);
    CHECK(empty_value.device_options[0].value == "");
}

TEST_CASE("a device option for a word no linked module takes is refused and names the word") {
    std::string e = parse_error({"--net:service=tap0"});  // hello: no modules at all
    CHECK(contains(e, "'--net:service=tap0'"));
    CHECK(contains(e, "--net"));
    CHECK(contains(e, "no module"));
    std::string e2 = parse_error({"--block:disk=/tmp/x"}, net_words);
    CHECK(contains(e2, "--block"));
    CHECK(contains(e2, "no module"));
}

TEST_CASE("a device option without a device name is refused") {
    for (std::string_view flag : {"--net:=tap0", "--net:"}) {
        CAPTURE(flag);
        CHECK(contains(parse_error({flag}, net_words), "missing device name"));
    }
}

TEST_CASE("everything after '--' goes to the guest verbatim, even what looks like a flag") {
    Options o = parse({"--mem=8M", "--", "--backend=xen", "--", "-h", "a b", "", "--net:x=y", "'q'", "\"dq\""});
    CHECK(o.mem_bytes == 8ull << 20);
    CHECK(o.backend == BackendChoice::automatic);
    CHECK_FALSE(o.help);
    CHECK(o.device_options.empty());
    std::vector<std::string> want{"--backend=xen", "--", "-h", "a b", "", "--net:x=y", "'q'", "\"dq\""};
    CHECK(o.guest_args == want);
}

TEST_CASE("'--' at the very end gives no guest args; flags before it still count") {
    Options o = parse({"--verbose", "--"});
    CHECK(o.verbose);
    CHECK(o.guest_args.empty());
}

TEST_CASE("the usage text names the program and every monitor flag") {
    std::string u = usage_text("myapp");
    CHECK(contains(u, "usage: myapp"));
    for (std::string_view flag : {"--backend=", "--mem=", "--verbose", "--print-filter", "--kvm-cpl0", "--version", "--help"}) {
        CAPTURE(flag);
        CHECK(contains(u, flag));
    }
}
