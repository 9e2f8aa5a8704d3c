// The system-call surface: what --print-filter promises, and what a traced run really does
// once the filter is in place, under both backends.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <cctype>
#include <set>
#include <sstream>
#include <string>

#include "tests/integration/arch_expect.hpp"
#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

// The distinct system-call names in the policy table of --print-filter (first column).
std::set<std::string> filter_calls(const std::string& exe, const std::string& backend,
                                   const std::vector<std::string>& flags = {}) {
    std::vector<std::string> all = flags;
    all.push_back("--print-filter");
    RunResult r = run_on(exe, backend, all);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    std::set<std::string> calls;
    for (const std::string& line : r.out_lines()) {
        if (line.rfind("# The BPF program", 0) == 0) break;  // the PFC rendering follows
        if (line.empty() || line[0] == '#') continue;
        calls.insert(line.substr(0, line.find(' ')));
    }
    return calls;
}

int declared_count(const std::string& exe, const std::string& backend) {
    RunResult r = run_on(exe, backend, {"--print-filter"});
    auto at = r.out.find(" distinct)");
    REQUIRE(at != std::string::npos);
    auto open = r.out.rfind('(', at);
    REQUIRE(open != std::string::npos);
    return std::stoi(r.out.substr(open + 1, at - open - 1));
}

// "1234  write(1, ..." or "write(1, ..." -> "write"; "" if the line is not a call.
std::string call_name(const std::string& line) {
    size_t i = 0;
    while (i < line.size() && (std::isdigit((unsigned char)line[i]) || line[i] == ' ')) ++i;
    size_t start = i;
    while (i < line.size() && (std::islower((unsigned char)line[i]) || std::isdigit((unsigned char)line[i]) || line[i] == '_')) ++i;
    return (i > start && i < line.size() && line[i] == '(') ? line.substr(start, i - start) : "";
}

bool have_strace() { return ::access("/usr/bin/strace", X_OK) == 0; }

// Runs EXE under strace and returns the names of the system calls made after the
// successful seccomp(SECCOMP_SET_MODE_FILTER, flags, {program}) — i.e. by the locked-down process.
std::set<std::string> calls_after_filter(const std::string& exe, const std::string& backend,
                                         const std::vector<std::string>& guest_args = {}) {
    char path[] = "/tmp/ukmon-strace-XXXXXX";
    int fd = ::mkstemp(path);
    REQUIRE(fd >= 0);
    ::close(fd);
    std::vector<std::string> argv = {"strace", "-f", "-qq", "-o", path, exe, "--backend=" + backend};
    if (!guest_args.empty()) {
        argv.push_back("--");
        argv.insert(argv.end(), guest_args.begin(), guest_args.end());
    }
    RunResult r = run(argv);
    INFO(r.describe());
    CHECK(r.exit_code == 0);
    std::ifstream in(path);
    std::string line;
    bool locked = false;
    std::set<std::string> calls;
    while (std::getline(in, line)) {
        std::string name = call_name(line);
        if (name.empty()) continue;
        if (locked) calls.insert(name);
        if (name == "seccomp" && line.find("SECCOMP_SET_MODE_FILTER, ") != std::string::npos &&
            line.find("{len=") != std::string::npos && line.find("= 0") != std::string::npos)
            locked = true;
    }
    ::unlink(path);
    CHECK(locked);
    return calls;
}

}  // namespace

TEST_CASE("hello's seccomp filter allows at most 7 system calls, none of them for net or blk") {
    for_each_backend("hello filter size", [](const std::string& b) {
        std::set<std::string> calls = filter_calls(example_exe("hello"), b);
        CHECK(declared_count(example_exe("hello"), b) == int(calls.size()));
        CHECK(calls.size() <= 7);
        for (const char* io : {"pread64", "pwrite64", "readv", "read", "ppoll", "fsync"}) {
            INFO(io);
            CHECK(calls.count(io) == 0);
        }
        CHECK(calls.count("write") == 1);
        CHECK(calls.count("exit_group") == 1);
    }, {"seccomp"});
}

TEST_CASE("a blk image's filter adds pread64/pwrite64/fsync on its disk's fd, which hello's lacks") {
    char dir[] = "/tmp/ukmon-filter-XXXXXX";
    REQUIRE(::mkdtemp(dir));
    std::string disk = std::string(dir) + "/disk.img";
    { std::ofstream(disk).write(std::string(64 * 512, '\0').data(), 64 * 512); }
    for_each_backend("blk filter", [&](const std::string& b) {
        std::set<std::string> calls = filter_calls(example_exe("blkstore"), b, {"--block:storage=" + disk});
        CHECK(calls.count("pread64") == 1);
        CHECK(calls.count("pwrite64") == 1);
        CHECK(calls.count("fsync") == 1);
        RunResult ro = run_on(example_exe("blkstore"), b, {"--block-ro:storage=" + disk, "--print-filter"});
        CHECK(ro.out.find("pwrite64") == std::string::npos);  // read-only: no write call at all
    }, {"seccomp"});
    std::remove(disk.c_str());
    ::rmdir(dir);
}

// The policy table of --print-filter, one rule a line, whitespace collapsed: call, arguments,
// owner and why. Checked rule by rule so that loosening an argument (any fd for write, any
// clock id, a longer disk request) fails a test, not only adding or removing a call.
std::vector<std::string> rule_lines(const std::string& exe, const std::string& backend,
                                    const std::vector<std::string>& flags = {}) {
    std::vector<std::string> all = flags;
    all.push_back("--print-filter");
    RunResult r = run_on(exe, backend, all);
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
    std::vector<std::string> rules;
    for (const std::string& line : r.out_lines()) {
        if (line.rfind("# The BPF program", 0) == 0) break;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream words(line);
        std::string w, joined;
        while (words >> w) joined += (joined.empty() ? "" : " ") + w;
        rules.push_back(joined);
    }
    return rules;
}

// The ukmon personality's rules (its hypercalls), then the core's own exit path.
const std::vector<std::string> core_rules{
    "write arg0 == stdout core puts hypercall: the guest's console",
    "clock_gettime arg0 == CLOCK_REALTIME core walltime hypercall (when the vDSO falls back)",
    "clock_gettime arg0 == CLOCK_MONOTONIC core walltime hypercall, --stats times (when the vDSO falls back)",
    "clock_nanosleep arg0 == CLOCK_MONOTONIC core poll hypercall without NICs: sleep until the deadline",
    "getrandom arg2 == 0 (no flags) && arg1 & mask == 0 (length < 512) core random hypercall: the host kernel's "
    "random bytes (urandom pool, short reads)",
    "write arg0 == stderr core diagnoses and exit reports",
    "exit_group any arguments core the end of the run: the process exits with its code",
};
using ukmon_test::expect::kvm_rules;  // per architecture (arch_expect.hpp)

TEST_CASE("--print-filter, rule by rule with arguments: hello, and a 4 KiB disk with --timeout") {
    for_each_backend("filter rules", [](const std::string& b) {
        std::vector<std::string> want = core_rules;
        if (b == "kvm") want.insert(want.end(), kvm_rules.begin(), kvm_rules.end());
        CHECK(rule_lines(example_exe("hello"), b) == want);

        char path[] = "/tmp/ukmon-rules-XXXXXX";
        int fd = ::mkstemp(path);
        REQUIRE(fd >= 0);
        REQUIRE(::ftruncate(fd, 4096) == 0);
        ::close(fd);
        const std::string disk = path, which = "'disk' (" + disk + ")";
        std::vector<std::string> blk = core_rules;
        // kvm: the monitor's own timer; seccomp: the guardian keeps the time, the guest's
        // process has no timer call it could cancel a deadline with.
        if (b == "kvm") blk.push_back(ukmon_test::expect::timer_rule);
        for (uint64_t len = 512; len <= 4096; len *= 2)  // one exact shape per length: offset <= 4096 - len
            for (const char* call : {"pread64", "pwrite64"})
                blk.push_back(std::string(call) + " arg0 == 3 && arg2 == " + std::to_string(len) + " && arg3 <= " +
                              std::to_string(4096 - len) + " blk " + (call[1] == 'r' ? "blkread" : "blkwrite") + " on " + which);
        blk.push_back("fsync arg0 == 3 blk blkflush and the flush at exit on " + which);
        std::vector<std::string> device_rules(blk.end() - 9, blk.end());  // the pread64/pwrite64/fsync ones
        if (b == "kvm" && !ukmon_test::expect::kvm_blk_ring) {
            blk.insert(blk.end(), kvm_rules.begin(), kvm_rules.end());  // no doorbell, no ring
        } else if (b == "kvm") {
            // The blk ring (kvm only): what the run loop's thread gains, then the kvm rules (the
            // lock-down's own, last), then the ring thread's own filter: the device's rules and
            // its doorbell, futex and the clock.
            blk.push_back("write arg0 == doorbell eventfd && arg2 == 8 blk wake the blk ring thread at set-up and to stop it at exit");
            blk.push_back("futex arg1 == FUTEX_WAIT_PRIVATE blk the blk ring's WAIT, and the exit path waiting for its thread to stop");
            blk.push_back("futex arg1 == FUTEX_WAKE_PRIVATE blk the blk ring's WAIT serving the ring itself: the wake after a "
                          "completion or a broken ring");
            blk.insert(blk.end(), kvm_rules.begin(), kvm_rules.end());
            for (std::string rule : device_rules) blk.push_back(rule.replace(rule.find(" blk "), 5, " blk ring thread "));
            blk.push_back("read arg0 == doorbell eventfd && arg2 == 8 blk ring thread sleep until the doorbell");
            blk.push_back("futex arg1 == FUTEX_WAKE_PRIVATE blk ring thread wake a guest waiting in the ring's WAIT, and the "
                          "exit path stopping it");
            blk.push_back("futex arg1 == FUTEX_WAIT_PRIVATE blk ring thread park for good once stopped");
            blk.push_back("clock_gettime arg0 == CLOCK_MONOTONIC blk ring thread the poll window (vDSO; the call on hosts without one)");
        }
        CHECK(rule_lines(guest_exe("hostile_rawio"), b, {"--block:disk=" + disk, "--timeout=5"}) == blk);
        ::unlink(path);
    });
}

TEST_CASE("seccomp: the BPF itself (libseccomp's rendering) allows write on fds 1 and 2 only, for hello") {
    for_each_backend("filter write fds", [](const std::string& b) {
        RunResult r = run_on(example_exe("hello"), b, {"--print-filter"});
        REQUIRE(r.exit_code == 0);
        std::string bpf = r.out.substr(r.out.find("# The BPF program"));
        size_t at = bpf.find("if ($syscall == " + std::to_string(expect::write_nr) + ")\n");
        REQUIRE(at != std::string::npos);
        size_t end = bpf.find("# filter for syscall", at);
        std::string block = bpf.substr(at, end == std::string::npos ? std::string::npos : end - at);
        std::vector<std::string> compared;
        for (std::istringstream in(block); std::getline(in, block);)
            if (block.find("$a0.lo32 ==") != std::string::npos) compared.push_back(block.substr(block.find("$a0")));
        CHECK(compared == std::vector<std::string>{"$a0.lo32 == 2)", "$a0.lo32 == 1)"});
    }, {"seccomp"});
}

TEST_CASE("after the filter is installed, a traced hello makes only calls its filter allows") {
    if (!have_strace()) {
        std::printf("SKIP: strace check: /usr/bin/strace is missing\n");
        return;
    }
    for_each_backend("strace after filter", [](const std::string& b) {
        if (const char* s = std::getenv("UKMON_SANITIZE"); s && std::string(s) == "1" && b == "kvm") {
            std::printf("SKIP: strace after filter on kvm: sanitizer builds install no self-lockdown filter\n");
            return;
        }
        std::set<std::string> allowed = filter_calls(example_exe("hello"), b);
        std::set<std::string> made = calls_after_filter(example_exe("hello"), b, {"--status=0"});
        CHECK(!made.empty());
        for (const std::string& c : made) {
            INFO("system call after lockdown: " << c);
            CHECK(allowed.count(c) == 1);
        }
    });
}

TEST_CASE("the same guest prints the same lines and exits the same way on both backends") {
    std::vector<std::string> outputs;
    for_each_backend("same output", [&](const std::string& b) {
        RunResult r = run_on(guest_exe("echo_args"), b, {}, {"one", "two words", "--flag"});
        INFO(r.describe());
        CHECK(r.exit_code == 0);
        outputs.push_back(r.out);
    });
    if (outputs.size() == 2) CHECK(outputs[0] == outputs[1]);
}
