// Hostile guests (tests/guests/hostile_*.c), every case on both backends: each ends with an
// error return to the guest or a clean end of the run with the right exit code and a precise
// first line on stderr; the monitor never crashes, never hangs, never writes where the guest
// itself may not. Also --timeout, and what the monitor process holds while a guest runs
// (fds, no_new_privs, the filter). See docs/security.md for the table of cases.
#include <doctest/doctest.h>
#include <ukmon/abi.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/arch_expect.hpp"
#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

namespace fs = std::filesystem;
using Lines = std::vector<std::string>;

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
    return b;
}

std::string first_err_line(const RunResult& r) {
    Lines e = r.err_lines();
    return e.empty() ? "" : e[0];
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A 64 KiB disk of non-zero bytes, so any stray write shows.
std::string make_disk(const TempDir& dir) {
    std::string path = dir / "disk.img";
    std::string bytes(64 << 10, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7 + 3);
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return path;
}

// ---- the hypercalls ---------------------------------------------------------------------------

struct Call {
    uint64_t nr;
    const char* name;
    uint64_t size;  // of its argument struct
};
const std::vector<Call> core_calls{{0, "walltime", 24}, {1, "puts", 24}, {2, "poll", 24}, {9, "halt", 32}};
const std::vector<Call> blk_calls{
    {3, "blkinfo", 40}, {4, "blkwrite", 40}, {5, "blkread", 40}, {10, "blkflush", 16}, {14, "blkring", 40}};
const std::vector<Call> net_calls{
    {6, "netinfo", 32}, {7, "netwrite", 40}, {8, "netread", 40}, {11, "netwritev", 40}, {12, "netreadv", 40}, {15, "netring", 40}, {16, "netpoll", 64}};

constexpr uint64_t mem = 64ull << 20;  // the default --mem
constexpr uint64_t guard = mem - (1ull << 20) - 4096;

// Argument-struct addresses outside guest-visible memory (hostile_args.c names them).
struct Place {
    const char* name;
    uint64_t addr;
};
const std::vector<Place> outside{{"null", 0},          {"low", 0x10},
                                 {"private", 0x80000}, {"straddle", mem - 8},
                                 {"past", mem},        {"above4g", 0x100000010ull},
                                 {"wrap", UINT64_MAX - 7}};

// The first line for an argument struct outside guest memory. Under kvm on x86_64 the gate
// itself refuses an address the 32-bit port value cannot carry.
std::string outside_line(const std::string& backend, const Call& c, uint64_t addr) {
    if (backend == "kvm" && addr >> 32 && ukmon_test::expect::kvm_gate_refuses_above_4g)
        return std::string("ukmon: guest crashed: hypercall ") + c.name + ": argument address " + hex(addr) +
               " is outside guest memory";
    return std::string("ukmon: guest crashed: ") + c.name + " argument at guest address " + hex(addr) + ", length " +
           hex(c.size) + ", is outside guest memory";
}

// `exe --backend=B [flags] -- call:NR:WHERE` must end the run: 255, the monitor never
// returned to the guest, and the first line of stderr is `first` (or starts with it and ends
// with `suffix` when `suffix` is given).
void expect_call_crash(const std::string& exe, const std::string& b, const std::vector<std::string>& flags,
                       const Call& c, const std::string& where, const std::string& first,
                       const std::string& suffix = "") {
    std::string cmd = "call:" + std::to_string(c.nr) + ":" + where;
    RunResult r = run_on(exe, b, flags, {cmd});
    CAPTURE(cmd);
    check_exit(r, 255);
    INFO(r.describe());
    CHECK(r.out_lines() == Lines{cmd + ": calling"});
    if (suffix.empty()) {
        CHECK(first_err_line(r) == first);
    } else {
        CHECK(starts_with(first_err_line(r), first));
        CHECK(ends_with(first_err_line(r), suffix));
    }
}

// `call:NR:WHERE` must return to the guest with a status (0..6) and the run go on to exit 0.
void expect_call_returns(const std::string& exe, const std::string& b, const std::vector<std::string>& flags,
                         const Call& c, const std::string& where) {
    std::string cmd = "call:" + std::to_string(c.nr) + ":" + where;
    RunResult r = run_on(exe, b, flags, {cmd});
    CAPTURE(cmd);
    INFO(r.describe());
    if (c.nr == 9) {  // a zeroed halt struct: halt with status 0, no cookie
        check_exit(r, 0);
        CHECK(r.out_lines() == Lines{cmd + ": calling"});
        return;
    }
    check_exit(r, 0);
    Lines out = r.out_lines();
    REQUIRE(!out.empty());
    std::string last = out.back();
    CHECK(starts_with(last, cmd + ": RETURNED ret="));
    long ret = std::strtol(last.c_str() + last.rfind('=') + 1, nullptr, 10);
    CHECK(ret >= 0);
    CHECK(ret <= 6);
    CHECK(r.err == "");
}

// Argument structs in pages the guest may read but not write, or not touch at all.
void expect_not_writable(const std::string& exe, const std::string& b, const std::vector<std::string>& flags,
                         const Call& c) {
    std::string head = std::string("ukmon: guest crashed: ") + c.name + " argument at guest address ";
    std::string tail = ", length " + hex(c.size) + ", is not writable by the guest";
    if (c.nr == 9) {
        // halt only reads its struct: a readable page is accepted (its bytes are the status),
        // a page the guest cannot read is not.
        for (auto [where, addr] : {std::pair<const char*, uint64_t>{"gate", 0xFF000}, {"guard", guard}})
            expect_call_crash(exe, b, flags, c, where,
                              head + hex(addr) + ", length " + hex(c.size) + ", is not readable by the guest");
        return;
    }
    expect_call_crash(exe, b, flags, c, "bootinfo", head + "0xf0000" + tail);
    expect_call_crash(exe, b, flags, c, "gate", head + "0xff000" + tail);
    expect_call_crash(exe, b, flags, c, "guard", head + hex(guard) + tail);
    expect_call_crash(exe, b, flags, c, "text", head + "0x10", tail);
    expect_call_crash(exe, b, flags, c, "rodata", head + "0x10", tail);
}

void all_bad_structs(const std::string& exe, const std::string& b, const std::vector<std::string>& flags,
                     const std::vector<Call>& calls) {
    for (const Call& c : calls) {
        INFO("case: " << c.name);
        for (const Place& p : outside) expect_call_crash(exe, b, flags, c, p.name, outside_line(b, c, p.addr));
        expect_not_writable(exe, b, flags, c);
        expect_call_returns(exe, b, flags, c, "misaligned");
        expect_call_returns(exe, b, flags, c, "stack");
    }
}

// ---- a network namespace with one TAP, for the net calls --------------------------------------

class NetNs {
public:
    NetNs() {
        if (::geteuid() != 0) {
            why_ = "needs root for a network namespace and a TAP";
            return;
        }
        if (::access("/dev/net/tun", F_OK) != 0) {
            why_ = "no /dev/net/tun";
            return;
        }
        name_ = "ukmon-hostile-" + std::to_string(::getpid());
        RunResult add = run({"ip", "netns", "add", name_});
        if (add.exit_code != 0) {
            why_ = "ip netns add failed: " + first_err_line(add);
            name_.clear();
            return;
        }
        RunResult tap = run({"ip", "netns", "exec", name_, "ip", "tuntap", "add", "dev", "taph0", "mode", "tap"});
        if (tap.exit_code != 0) why_ = "ip tuntap add failed: " + first_err_line(tap);
    }
    ~NetNs() {
        if (!name_.empty()) run({"ip", "netns", "del", name_});
    }
    const std::string& unavailable() const { return why_; }
    const std::string& name() const { return name_; }

private:
    std::string name_, why_;
};

// run_on, inside the namespace: ip netns exec NS EXE --backend=B FLAGS -- ARGS
RunResult run_in(const NetNs& ns, const std::string& exe, const std::string& b, const std::vector<std::string>& flags,
                 const std::vector<std::string>& args) {
    std::vector<std::string> argv{"ip", "netns", "exec", ns.name(), exe, "--backend=" + b};
    argv.insert(argv.end(), flags.begin(), flags.end());
    argv.push_back("--");
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

// ---- a guest running in the background, to look at its monitor process ------------------------

class Running {
public:
    // Starts EXE with `extra_fd` (if >= 0) left open across exec, and `closed` fds closed.
    Running(const std::vector<std::string>& argv, int extra_fd = -1, std::vector<int> closed = {}) {
        std::vector<char*> cargv;
        for (const std::string& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
        cargv.push_back(nullptr);
        pid_ = ::fork();
        REQUIRE(pid_ >= 0);
        if (pid_ == 0) {
            int null = ::open("/dev/null", O_RDWR);
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
            if (null > 2) ::close(null);
            for (int fd : closed) ::close(fd);
            if (extra_fd >= 0) ::fcntl(extra_fd, F_SETFD, 0);
            ::execv(cargv[0], cargv.data());
            _exit(127);
        }
        // Until the guest runs (its monitor is then locked down).
        for (int i = 0; i < 200 && !locked(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ~Running() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    // The process that runs the guest: the one started, or, when it became a guardian
    // (seccomp with --timeout, --stats, a disk...: monitor/guardian.hpp), its child.
    pid_t guest_pid() const {
        std::istringstream children(slurp("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) + "/children"));
        pid_t child = 0;
        return children >> child ? child : pid_;
    }
    std::string proc(const std::string& what) const { return "/proc/" + std::to_string(guest_pid()) + "/" + what; }
    std::string status_field(const std::string& field) const {
        std::istringstream in(slurp(proc("status")));
        for (std::string line; std::getline(in, line);)
            if (starts_with(line, field + ":")) {
                std::string v = line.substr(field.size() + 1);
                return v.substr(v.find_first_not_of(" \t"));
            }
        return "";
    }
    bool locked() const { return status_field("NoNewPrivs") == "1"; }
    // fd number -> (link target, fdinfo flags)
    std::map<int, std::pair<std::string, unsigned long>> fds() const {
        std::map<int, std::pair<std::string, unsigned long>> out;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(proc("fd"), ec)) {
            int fd = std::stoi(e.path().filename().string());
            std::string target = fs::read_symlink(e.path(), ec).string();
            unsigned long flags = 0;
            std::istringstream info(slurp(proc("fdinfo/") + std::to_string(fd)));
            for (std::string line; std::getline(info, line);)
                if (starts_with(line, "flags:")) flags = std::stoul(line.substr(6), nullptr, 8);
            out[fd] = {target, flags};
        }
        return out;
    }

private:
    pid_t pid_ = -1;
};

bool sanitizer_build() {
    const char* s = std::getenv("UKMON_SANITIZE");
    return s && std::string(s) == "1";
}

}  // namespace

// ==== argument structs =========================================================================

TEST_CASE("hostile: a core call's argument struct outside guest memory or in a page the guest cannot write ends the run (255) naming the call") {
    for_each_backend("hostile core argument structs", [](const std::string& b) {
        all_bad_structs(guest_exe("hostile_args"), b, {}, core_calls);
    });
}

TEST_CASE("hostile: a blk call's bad argument struct ends the run before any I/O; the disk is untouched") {
    for_each_backend("hostile blk argument structs", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir), before = slurp(disk);
        all_bad_structs(guest_exe("hostile_args_blk"), b, {"--block:disk=" + disk}, blk_calls);
        CHECK(slurp(disk) == before);  // misaligned/stack structs are zeroed: no write happens
    });
}

TEST_CASE("hostile: a net call's bad argument struct ends the run naming the call (in a network namespace)") {
    NetNs ns;
    if (!ns.unavailable().empty()) {
        std::printf("SKIP: hostile net argument structs: %s\n", ns.unavailable().c_str());
        return;
    }
    for_each_backend("hostile net argument structs", [&](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        std::vector<std::string> flags{"--net:service=taph0", "--block:disk=" + disk};
        std::string exe = guest_exe("hostile_args_net");
        for (const Call& c : net_calls) {
            INFO("case: " << c.name);
            auto crash = [&](const std::string& where, const std::string& first, const std::string& suffix = "") {
                std::string cmd = "call:" + std::to_string(c.nr) + ":" + where;
                RunResult r = run_in(ns, exe, b, flags, {cmd});
                CAPTURE(cmd);
                check_exit(r, 255);
                INFO(r.describe());
                CHECK(r.out_lines() == Lines{cmd + ": calling"});
                if (suffix.empty()) CHECK(first_err_line(r) == first);
                else CHECK((starts_with(first_err_line(r), first) && ends_with(first_err_line(r), suffix)));
            };
            for (const Place& p : outside) crash(p.name, outside_line(b, c, p.addr));
            std::string head = std::string("ukmon: guest crashed: ") + c.name + " argument at guest address ";
            std::string tail = ", length " + hex(c.size) + ", is not writable by the guest";
            crash("bootinfo", head + "0xf0000" + tail);
            crash("gate", head + "0xff000" + tail);
            crash("guard", head + hex(guard) + tail);
            crash("text", head + "0x10", tail);
            for (const char* where : {"misaligned", "stack"}) {
                std::string cmd = "call:" + std::to_string(c.nr) + ":" + where;
                RunResult r = run_in(ns, exe, b, flags, {cmd});
                CAPTURE(cmd);
                check_exit(r, 0);
                CHECK(has(r.out, cmd + ": RETURNED ret="));
            }
        }
    });
}

// ==== hypercall numbers =========================================================================

TEST_CASE("hostile: unknown hypercall numbers, also 2^32+1, 2^32+9 (halt's low bits) and 2^64-1, end the run naming the number") {
    for_each_backend("hostile unknown numbers", [](const std::string& b) {
        for (uint64_t nr : std::vector<uint64_t>{uint64_t(UK_HC_MAX), uint64_t(UK_HC_MAX) + 1, 255, 0x1'0000'0001, 0x1'0000'0009, 1ull << 63, UINT64_MAX}) {
            std::string cmd = "call:" + std::to_string(nr) + ":stack";
            RunResult r = run_on(guest_exe("hostile_args"), b, {}, {cmd});
            CAPTURE(cmd);
            check_exit(r, 255);
            CHECK(r.out_lines() == Lines{cmd + ": calling"});
            CHECK(first_err_line(r) == "ukmon: guest crashed: unknown hypercall number " + std::to_string(nr));
        }
    });
}

TEST_CASE("hostile: a device call in an executable without that module ends the run and says to declare the device") {
    for_each_backend("hostile unserved calls", [](const std::string& b) {
        for (const auto& c : {blk_calls[0], blk_calls[3], net_calls[1], net_calls[4]}) {
            std::string cmd = "call:" + std::to_string(c.nr) + ":stack";
            RunResult r = run_on(guest_exe("hostile_args"), b, {}, {cmd});
            CAPTURE(cmd);
            check_exit(r, 255);
            CHECK(first_err_line(r) == std::string("ukmon: guest crashed: hypercall ") + c.name +
                                           ": no module in this executable serves it (declare the device)");
        }
    });
}

// ==== halt cookies ===============================================================================

TEST_CASE("hostile: a halt cookie of 256 bytes is taken, 257 or 2^64-1 bytes or a bad pointer ends the run") {
    for_each_backend("hostile halt cookies", [](const std::string& b) {
        std::string exe = guest_exe("hostile_args");
        check_exit(run_on(exe, b, {}, {"halt:7:256"}), 7);
        check_exit(run_on(exe, b, {}, {"haltat:7:bootinfo"}), 7);  // readable by the guest: fine
        struct Bad {
            std::string cmd, first;
        };
        const std::vector<Bad> bad{
            {"halt:7:257", "ukmon: guest crashed: halt cookie of 257 bytes is longer than the 256 allowed"},
            {"halt:7:0xffffffffffffffff",
             "ukmon: guest crashed: halt cookie of 18446744073709551615 bytes is longer than the 256 allowed"},
            {"haltat:7:past", "ukmon: guest crashed: halt cookie at guest address 0x4000000, length 0x10, is outside guest memory"},
            {"haltat:7:private", "ukmon: guest crashed: halt cookie at guest address 0x80000, length 0x10, is outside guest memory"},
            {"haltat:7:wrap",
             "ukmon: guest crashed: halt cookie at guest address 0xfffffffffffffff8, length 0x10, is outside guest memory"},
            {"haltat:7:gate", "ukmon: guest crashed: halt cookie at guest address 0xff000, length 0x10, is not readable by the guest"},
        };
        for (const Bad& c : bad) {
            RunResult r = run_on(exe, b, {}, {c.cmd});
            CAPTURE(c.cmd);
            check_exit(r, 255);
            CHECK(r.out_lines() == Lines{c.cmd + ": halting"});
            CHECK(first_err_line(r) == c.first);
        }
    });
}

// ==== hypercall data pointers into pages the guest may not write ==================================

TEST_CASE("hostile: blkread into the guest's own text or boot info is EFAULT, never a write past W^X") {
    for_each_backend("hostile blkread into read-only pages", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        // blk_probe's readat: blkread of offset 0 into a guest address; writeat reads from it.
        RunResult r = run_on(guest_exe("blk_probe"), b, {"--block:disk=" + disk},
                             {"readat:0x100000:512", "readat:0xf0000:512", "readat:0xff000:512",
                              "readat:" + hex(guard) + ":512", "writeat:0x100000:512", "writeat:0xff000:512"});
        check_exit(r, 0);
        INFO(r.describe());
        CHECK(r.out_lines() == Lines{"readat:0x100000:512: EFAULT", "readat:0xf0000:512: EFAULT",
                                     "readat:0xff000:512: EFAULT", "readat:" + hex(guard) + ":512: EFAULT",
                                     "writeat:0x100000:512: OK", "writeat:0xff000:512: EFAULT"});
    });
}

// ==== memory and CPU misuse =======================================================================

TEST_CASE("hostile: writes to boot info, gate, page tables, IDT or rodata and jumps to non-code pages are page faults (255)") {
    struct Case {
        const char* what;
        const char* access;      // in the diagnosis
        uint64_t addr;           // 0: the guest's own address (data, stack, rodata)
        const char* kvm;         // "protection" or "not mapped"
        const char* seccomp;
    };
    const std::vector<Case> cases{
        {"write-bootinfo", "write", 0xF0000, "protection", "protection"},
        {"write-gate", "write", 0xFF000, "protection", "not mapped"},
        {"write-pagetable", "write", 0x1000, "protection", "not mapped"},   // kvm: supervisor-only
        {"read-pagetable", "read", 0x1000, "protection", "not mapped"},
        {"write-idt", "write", 0xE1000, "protection", "not mapped"},
        {"write-rodata", "write", 0, "protection", "protection"},
        {"exec-bootinfo", "instruction fetch", 0xF0000, "protection", "protection"},
        {"exec-data", "instruction fetch", 0, "protection", "protection"},
        {"exec-stack", "instruction fetch", 0, "protection", "protection"},
        {"exec-private", "instruction fetch", 0xE3000, "protection", "not mapped"},
        {"exec-null", "instruction fetch", 0, "not mapped", "not mapped"},
    };
    for_each_backend("hostile memory", [&](const std::string& b) {
        for (const Case& c : cases) {
            INFO("case: " << c.what);
            RunResult r = run_on(guest_exe("hostile_memory"), b, {}, {c.what});
            check_exit(r, 255);
            INFO(r.describe());
            Lines out = r.out_lines();
            REQUIRE(out.size() == 1);  // "writing 0x..." / "jumping to 0x...", never "survived"
            std::string addr = out[0].substr(out[0].rfind(' ') + 1);
            if (c.addr) CHECK(addr == hex(c.addr));
            CHECK(first_err_line(r) == std::string("ukmon: guest crashed: page fault (#PF): ") + c.access +
                                           " of address " + addr + " (" + (b == "kvm" ? c.kvm : c.seccomp) + ")");
        }
    });
}

// ==== --timeout ====================================================================================

TEST_CASE("--timeout: a guest that spins, spins in hypercalls, or sleeps forever is ended at the deadline with 251") {
    for_each_backend("timeout", [](const std::string& b) {
        for (const char* what : {"spin", "spin-calls", "sleep"}) {
            INFO("case: " << what);
            RunResult r = run_on(guest_exe("hostile_memory"), b, {"--timeout=1"}, {what});
            check_exit(r, 251);
            INFO(r.describe());
            CHECK(r.seconds >= 0.9);
            CHECK(r.seconds < 5);
            Lines err = r.err_lines();
            REQUIRE(err.size() == 2);
            CHECK(err[0] == "ukmon: guest timed out: still running after --timeout=1 seconds");
            if (std::string(what) == "spin") CHECK(has(err[1], "(main+0x"));  // where it spun
        }
    });
}

TEST_CASE("--timeout: a guest that halts in time keeps its own status; a blk guest's disk is flushed either way") {
    for_each_backend("timeout not reached", [](const std::string& b) {
        RunResult r = run_on(example_exe("hello"), b, {"--timeout=30"}, {"--status=3"});
        check_exit(r, 3);
        CHECK(r.seconds < 5);
        TempDir dir;
        std::string disk = make_disk(dir);
        RunResult w = run_on(guest_exe("blk_probe"), b, {"--block:disk=" + disk, "--timeout=5"}, {"write:0:512:9"});
        check_exit(w, 0);
        CHECK(w.out_lines() == Lines{"write:0:512:9: OK"});
    });
}

TEST_CASE("--timeout: values other than whole seconds 1..4294967295 are refused with one line (252)") {
    for (const char* v : {"0", "-1", "1.5", "", "4294967296", "1s", "+5", " 5", "99999999999999999999"}) {
        INFO("case: " << v);
        RunResult r = run({example_exe("hello"), std::string("--timeout=") + v});
        check_exit(r, 252);
        CHECK(r.err_lines().size() == 1);
        CHECK(has(r.err, "timeout"));
    }
}

TEST_CASE("--timeout: kvm adds exactly alarm(0) to its own filter; under seccomp the guest's filter has no timer call (the guardian keeps the time)") {
    using ukmon_test::expect::timer_call;  // aarch64: setitimer(ITIMER_REAL, ..., NULL)
    for_each_backend("timeout filter", [](const std::string& b) {
        RunResult with = run_on(example_exe("hello"), b, {"--timeout=5", "--print-filter"});
        RunResult without = run_on(example_exe("hello"), b, {"--print-filter"});
        check_exit(with, 0);
        check_exit(without, 0);
        if (b == "kvm") {
            CHECK(has(with.out, "\n" + timer_call + " "));
            CHECK(has(with.out, ukmon_test::expect::timer_cancel_args));
        } else {
            CHECK_FALSE(has(with.out, timer_call));  // nothing the guest could cancel a deadline with
        }
        CHECK_FALSE(has(without.out, timer_call));
    });
}

// ==== user input in messages ========================================================================

TEST_CASE("an option with control characters is quoted as \\xNN: the error stays one line") {
    RunResult r = run({example_exe("hello"), "--frob\n\x1b[31mred"});
    check_exit(r, 252);
    CHECK(r.err_lines().size() == 1);
    CHECK(has(r.err, "--frob\\x0a\\x1b[31mred"));
    RunResult d = run({guest_exe("blk_probe"), "--block:dis\nk=/tmp/x"});
    check_exit(d, 252);
    CHECK(d.err_lines().size() == 1);
    CHECK(has(d.err, "device name is 1..31 characters"));
    RunResult p = run({guest_exe("blk_probe"), "--block:disk=/tmp/no\nsuch"});
    check_exit(p, 252);
    CHECK(p.err_lines().size() == 1);
    CHECK(has(p.err, "/tmp/no\\x0asuch"));
}

// ==== the monitor process while a guest runs ========================================================

TEST_CASE("while a guest runs: no inherited fd, every fd close-on-exec, no_new_privs and the filter in place") {
    for_each_backend("monitor process hygiene", [](const std::string& b) {
        TempDir dir;
        std::string secret = dir / "inherited";
        std::ofstream(secret) << "x";
        int fd = ::open(secret.c_str(), O_RDONLY);  // not close-on-exec: the monitor inherits it
        REQUIRE(fd >= 0);
        std::string disk = make_disk(dir);
        Running g({guest_exe("hostile_args_blk"), "--backend=" + b, "--block:disk=" + disk, "--timeout=20", "--",
                   "spin:0:0"},
                  fd);
        ::close(fd);
        auto fds = g.fds();
        CHECK(fds.count(0) == 1);
        CHECK(fds.count(1) == 1);
        CHECK(fds.count(2) == 1);
        bool disk_open = false;
        for (const auto& [n, info] : fds) {
            CAPTURE(n);
            CAPTURE(info.first);
            CHECK(info.first != secret);
            if (n > 2) CHECK((info.second & O_CLOEXEC) != 0);
            disk_open |= info.first == disk;
        }
        CHECK(disk_open);
        if (sanitizer_build() && b == "kvm") {
            std::printf("SKIP: kvm self-lockdown check: sanitizer builds do not install the monitor's filter\n");
            return;
        }
        CHECK(g.status_field("NoNewPrivs") == "1");
        CHECK(g.status_field("Seccomp") == "2");  // filter mode
    });
}

TEST_CASE("a monitor started with stdin, stdout and stderr closed puts /dev/null there, never a device fd") {
    for_each_backend("closed stdio", [](const std::string& b) {
        Running g({guest_exe("hostile_memory"), "--backend=" + b, "--timeout=20", "--", "spin"}, -1, {0, 1, 2});
        auto fds = g.fds();
        for (int n : {0, 1, 2}) {
            CAPTURE(n);
            REQUIRE(fds.count(n) == 1);
            CHECK(fds[n].first == "/dev/null");
        }
    });
}

// ==== without root ==================================================================================

TEST_CASE("no root needed: as uid 65534 with its own TAP, disk and the kvm group, guests run; another user's TAP is refused") {
    for_each_backend("no-root run", [](const std::string& b) {
        RunOptions options;
        options.timeout = std::chrono::seconds(60);
        RunResult r = run({"bash", "tests/net/no_root.sh", build_dir(), b}, options);
        if (r.exited && r.exit_code == 77) {
            std::string why = "(no reason given)";
            for (const std::string& line : r.out_lines())
                if (starts_with(line, "SKIP: ")) why = line.substr(6);
            std::printf("SKIP: no-root run on %s: %s\n", b.c_str(), why.c_str());
            return;
        }
        INFO(r.describe());
        check_exit(r, 0);
        CHECK(has(r.out, "\nPASS"));
    });
}

// ==== privileged and I/O instructions ================================================================

TEST_CASE("hostile: port I/O, forged fault/syscall reports, int 0x80, vmcall and hlt end the run cleanly") {
    const std::string gp = "ukmon: guest crashed: general protection fault (#GP)";
    struct Case {
        const char* what;
        std::string kvm, seccomp;  // the exact first line of stderr, exit 255
    };
    const std::vector<Case> cases{
        {"out-0x80", gp, gp},  // outside the TSS I/O bitmap
        {"out-unknown-port", "ukmon: guest crashed: I/O to unknown port 0x50d", gp},
        {"out8-hc-port", "ukmon: guest crashed: I/O to unknown port 0x509", gp},  // a hypercall is a 4-byte out
        {"in-hc-port", "ukmon: guest crashed: I/O to unknown port 0x500", gp},
        {"forge-fault", "ukmon: guest crashed: I/O to the fault-report port 0x4ff from guest code", gp},
        {"forge-fault-outside", "ukmon: guest crashed: I/O to the fault-report port 0x4ff from guest code", gp},
        {"hlt", gp, gp},
    };
    for_each_backend("hostile instructions", [&](const std::string& b) {
        for (const Case& c : cases) {
            INFO("case: " << c.what);
            RunResult r = run_on(guest_exe("hostile_memory"), b, {}, {c.what});
            check_exit(r, 255);
            CHECK(first_err_line(r) == (b == "kvm" ? c.kvm : c.seccomp));
            CHECK_FALSE(has(r.out, "survived"));
        }
        // The SYSCALL stub sits in the user-executable gate page, so a guest can report a
        // "system call" of its choice: it is still only a diagnosis, and the run ends.
        RunResult s = run_on(guest_exe("hostile_memory"), b, {}, {"forge-syscall"});
        check_exit(s, 255);
        CHECK(first_err_line(s) == (b == "kvm" ? "ukmon: guest crashed: system call instruction, number 59 (execve); "
                                                 "a unikernel has no kernel, use hypercalls"
                                               : gp));
        // int 0x80: seccomp refuses the i386 ABI (254); a kernel without IA32 emulation
        // raises #GP instead. kvm: the IDT has 32 vectors, so a fault (which one depends on
        // the host's virtualization).
        RunResult i = run_on(guest_exe("hostile_memory"), b, {}, {"int80"});
        INFO(i.describe());
        if (b == "seccomp" && i.exit_code == 254)
            CHECK(starts_with(first_err_line(i), "ukmon: guest killed: forbidden system call non-x86_64 ABI call"));
        else {
            check_exit(i, 255);
            CHECK(starts_with(first_err_line(i), "ukmon: guest crashed: "));
        }
    });
}

// vmcall's outcome depends on the host, not on ukmon: at CPL3 it faults (#UD, #GP) on AMD and
// bare VT-x, and where the host itself is a VM on Intel, the hypervisor below answers it with an
// error in rax (-1000, -KVM_EPERM; -1 when nested) and the guest goes on. Both are safe; anything
// else (a monitor crash, another exit code, a success value in rax) is not.
TEST_CASE("hostile: vmcall at user privilege faults, or returns an error and gains nothing (host-dependent)") {
    for_each_backend("hostile vmcall", [&](const std::string& b) {
        RunResult v = run_on(guest_exe("hostile_memory"), b, {}, {"vmcall"});
        INFO(v.describe());
        if (v.exit_code == 255) {
            CHECK(starts_with(first_err_line(v), "ukmon: guest crashed: "));
            CHECK_FALSE(has(v.out, "survived"));
            return;
        }
        check_exit(v, 1);  // the guest's own status after "survived"
        Lines out = v.out_lines();
        REQUIRE(out.size() == 3);
        CHECK(out[0] == "vmcall");
        CHECK(out[2] == "survived");
        REQUIRE(starts_with(out[1], "returned -"));
        long value = std::stol(out[1].substr(std::string("returned ").size()));
        CHECK(value >= -4095);  // an error number, not an address or a success
        CHECK(value <= -1);
        CHECK(v.err.empty());
    });
}

// ==== raw system calls on a device fd ===============================================================

TEST_CASE("hostile: raw pread64/pwrite64 on the disk's fd never touch a byte at or past its end, so the disk never grows, run after run") {
    for_each_backend("hostile raw disk I/O", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        const uint64_t capacity = 64 << 10;
        std::string exe = guest_exe("hostile_rawio");
        RunResult f = run_on(exe, b, {"--block:disk=" + disk, "--print-filter"});
        check_exit(f, 0);
        REQUIRE(has(f.out, "pwrite64         arg0 == 3 "));  // the disk is fd 3: nothing inherited
        struct Case {
            const char* call;
            uint64_t offset, len;
            bool allowed;  // by the seccomp filter
        };
        const std::vector<Case> cases{
            {"pwrite64", 0, 512, true},                              // inside the disk: the guest's own data
            {"pwrite64", capacity - 512, 512, true},                 // the last sector
            {"pwrite64", capacity - 4096, 4096, true},
            {"pwrite64", 0, capacity, true},                         // the whole disk at once
            {"pread64", capacity - 512, 512, true},
            {"pwrite64", capacity - 511, 512, false},                // its last byte one past the end
            {"pwrite64", capacity, 512, false},                      // just past the end
            {"pwrite64", 1ull << 30, 512, false},                    // far past it
            {"pwrite64", capacity - 512, 1024, false},               // starts inside, ends outside
            {"pwrite64", capacity - 512, (2 << 20) - 512, false},    // grew the disk under the old 2^k bound
            {"pwrite64", 0, 1536, false},                            // a ragged length: not a shape the monitor uses
            {"pwrite64", 0, 2 << 20, false},                         // longer than any allowed request
            {"pwrite64", ~uint64_t(0) - 511, 512, false},            // offset + length wraps around 2^64
            {"pread64", capacity, 512, false},
            {"pread64", 0, 1000, false},
            {"write", 0, 512, false},                                // write(2) on the disk: never
        };
        for (const Case& c : cases) {
            CAPTURE(c.call);
            CAPTURE(c.offset);
            CAPTURE(c.len);
            RunResult r = run_on(exe, b, {"--block:disk=" + disk},
                                 {c.call, "3", std::to_string(c.offset), std::to_string(c.len)});
            INFO(r.describe());
            if (b == "kvm") {
                check_exit(r, 255);
                CHECK(starts_with(first_err_line(r), "ukmon: guest crashed: system call instruction, number "));
            } else if (c.allowed) {
                check_exit(r, 0);
                CHECK(r.out_lines() == Lines{c.call, std::string(c.call) + " returned " + std::to_string(c.len)});
            } else {
                check_exit(r, 254);
                CHECK(starts_with(first_err_line(r), std::string("ukmon: guest killed: forbidden system call ") + c.call + " ("));
            }
            CHECK(fs::file_size(disk) == capacity);  // after every run, not only the last
        }
        // write(2)'s fd argument: the console only (a raw write of 0 bytes to stdout returns 0);
        // stdin, the disk's fd above and an fd not open are refused by the filter itself.
        for (const char* fd : {"0", "1", "4", "1000"}) {
            CAPTURE(fd);
            bool allowed = std::string(fd) == "1";
            RunResult r = run_on(exe, b, {"--block:disk=" + disk}, {"write", fd, "0", allowed ? "0" : "512"});
            INFO(r.describe());
            if (b == "kvm") check_exit(r, 255);
            else if (allowed) {
                check_exit(r, 0);
                CHECK(r.out_lines() == Lines{"write", "write returned 0"});
            } else {
                check_exit(r, 254);
                CHECK(starts_with(first_err_line(r), "ukmon: guest killed: forbidden system call " + expect::write_call));
            }
        }
    });
}

// ==== what the guest CPU says about itself ========================================================

TEST_CASE("kvm: CPUID tells the guest neither VMX nor SVM (it cannot nest) and that it runs on a hypervisor") {
    for_each_backend("cpuid", [](const std::string& b) {
        RunResult r = run_on(guest_exe("hostile_memory"), b, {}, {"cpuid"});
        check_exit(r, 0);
        CHECK(r.out_lines() == Lines{"vmx=0 svm=0 hypervisor=1"});
    }, {"kvm"});
}

// ==== guest text in diagnoses ======================================================================

TEST_CASE("hostile: a guest function name with a newline and an escape sequence is printed escaped (crash and timeout)") {
    for_each_backend("hostile symbol", [](const std::string& b) {
        const std::string escaped = "evil\\x0aukmon: forged line \\x1b[31mred+0x";
        RunResult crash = run_on(guest_exe("hostile_symbol"), b, {}, {"crash"});
        INFO(crash.describe());
        check_exit(crash, 255);
        CHECK(crash.err.find('\x1b') == std::string::npos);
        REQUIRE(crash.err_lines().size() == 2);  // the diagnosis and its register line: nothing forged
        CHECK(starts_with(crash.err_lines()[0], "ukmon: guest crashed: " + expect::write_fault + "8 "));
        CHECK(crash.err_lines()[1].find(" (" + escaped) != std::string::npos);

        RunResult spin = run_on(guest_exe("hostile_symbol"), b, {"--timeout=1"}, {"spin"});
        INFO(spin.describe());
        check_exit(spin, 251);
        CHECK(spin.err.find('\x1b') == std::string::npos);
        REQUIRE(spin.err_lines().size() == 2);
        CHECK(spin.err_lines()[1].find(" (" + escaped) != std::string::npos);
    });
}

// ==== what the monitor leaves in the guest's reach ===================================================

TEST_CASE("hostile: the gate returns no monitor value: scratch registers hold nothing outside guest memory (seccomp: all zero)") {
    for_each_backend("gate registers", [](const std::string& b) {
        RunResult r = run_on(guest_exe("hostile_memory"), b, {}, {"gate-regs"});
        INFO(r.describe());
        check_exit(r, 0);
        Lines out = r.out_lines();
        REQUIRE(out.size() == 1);
        CHECK(starts_with(out[0], "gprs outside guest memory: 0, "));
        // seccomp: the monitor's C code ran on this thread; nothing of it may remain (kvm: the
        // VM exit leaves the guest's own xmm values, which the probe set non-zero).
        if (b == "seccomp") CHECK(out[0] == "gprs outside guest memory: 0, non-zero vector registers: 0, return register: 0x0");
    });
}

TEST_CASE("hostile: seccomp: a guest that breaks the monitor's stack is reported as a crash inside the guest's process, not a monitor crash") {
    for_each_backend("monitor memory", [](const std::string& b) {
        RunResult r = run_on(guest_exe("hostile_memory"), b, {}, {"shrink-monitor-stack"});
        INFO(r.describe());
        check_exit(r, 253);
        CHECK(starts_with(first_err_line(r), "ukmon: crashed inside the guest's process, while the monitor served a hypercall: signal 11 (SEGV)"));
        CHECK(has(first_err_line(r), "(a monitor bug, or a guest that rewrote the monitor's memory)"));
    }, {"seccomp"});
}

// ==== the exit path is the guest's too (seccomp): what must be trusted lives in the guardian ====

TEST_CASE("hostile: a guest that cancels the timer with a raw alarm(0) still ends at --timeout (or is killed for the call)") {
    for_each_backend("hostile alarm(0)", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        RunResult r = run_on(guest_exe("hostile_exit_path"), b, {"--timeout=2", "--block:disk=" + disk}, {"alarm0-spin"});
        INFO(r.describe());
        // Safe endings: refused at once (254: the filter no longer allows alarm; kvm: a
        // system call instruction, 255), or the deadline (251). Unsafe: running on.
        CHECK((r.exit_code == 254 || r.exit_code == 255 || r.exit_code == 251));
        CHECK(r.seconds < 6);
    });
}

TEST_CASE("hostile: a raw exit_group skips no exit action: the disk is flushed and --stats says what happened") {
    for_each_backend("hostile raw exit_group", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        RunResult r = run_on(guest_exe("hostile_exit_path"), b, {"--stats=" + dir / "s.json", "--block:disk=" + disk},
                             {"raw-exit", "7"});
        INFO(r.describe());
        auto s = parse_stats(dir / "s.json");  // fails the test if missing or not JSON
        if (b == "seccomp") {
            check_exit(r, 7);
            CHECK(s["exit"]["code"].u64() == 7);
            CHECK(has(s["exit"]["reason"].str(), "raw exit_group"));
            CHECK(s["figures_from"].str() == "guest_process");
            CHECK(slurp(disk).substr(0, 512) == std::string(512, '\x6B'));
        } else {
            check_exit(r, 255);  // kvm: a SYSCALL instruction is a crash
            CHECK(s["exit"]["kind"].str() == "crashed");
            CHECK(s["figures_from"].str() == "monitor");
        }
    });
}

TEST_CASE("hostile: raw writes on every fd cannot reach the --stats file; the report is the guardian's, whole") {
    for_each_backend("hostile raw write", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        RunResult r = run_on(guest_exe("hostile_exit_path"), b, {"--stats=" + dir / "s.json", "--block:disk=" + disk},
                             {"raw-write"});
        INFO(r.describe());
        CHECK((r.exit_code == 254 || r.exit_code == 255));  // the first raw write it may not make ends it
        std::string text = slurp(dir / "s.json");
        CHECK_FALSE(has(text, "forged"));
        auto s = parse_stats(dir / "s.json");
        CHECK(s["exit"]["code"].u64() == uint64_t(r.exit_code));
    });
}
