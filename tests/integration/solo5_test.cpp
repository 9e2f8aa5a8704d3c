// Our own Solo5-ABI test guests (tests/solo5/) run unmodified: through build/ukmon-run as
// through Solo5's tenders (KERNEL [ARGS...]), and baked by ukbake (APP [-- ARGS...]), with
// Solo5's exit codes: the guest's status, 255 for an abort, 159 for a call the spt filter
// refuses, 1 for a monitor error. The spt device model is the filter: a block request of
// another length or past the end kills the guest, naming the call.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

using Strings = std::vector<std::string>;

std::string runner() { return build_dir() + "/ukmon-run"; }
std::string image(const std::string& name, const std::string& target) {
    return build_dir() + "/tests/solo5/" + name + "." + target;
}
std::string baked(const std::string& name, const std::string& target) {
    return build_dir() + "/tests/solo5/bin/" + name + "-" + target;
}
std::string spt_image(const std::string& name) { return image(name, "spt"); }
std::string spt_baked(const std::string& name) { return baked(name, "spt"); }

// The guest NAME of `target` run both ways: ukmon-run OPTIONS IMAGE ARGS, and APP OPTIONS
// -- ARGS.
struct Runs {
    RunResult direct, baked;
};
Runs run_solo5(const std::string& target, const std::string& name, const Strings& options = {},
               const Strings& args = {}) {
    Strings d{runner()};
    d.insert(d.end(), options.begin(), options.end());
    d.push_back(image(name, target));
    d.insert(d.end(), args.begin(), args.end());
    Strings b{baked(name, target)};
    b.insert(b.end(), options.begin(), options.end());
    if (!args.empty()) {
        b.push_back("--");
        b.insert(b.end(), args.begin(), args.end());
    }
    return Runs{run(d), run(b)};
}
Runs run_spt(const std::string& name, const Strings& options = {}, const Strings& args = {}) {
    return run_solo5("spt", name, options, args);
}
Runs run_hvt(const std::string& name, const Strings& options = {}, const Strings& args = {}) {
    return run_solo5("hvt", name, options, args);
}

// Prints SKIP and returns false where `backend` cannot run here (hvt and spt under kvm need
// /dev/kvm; spt under seccomp is skipped in sanitizer builds, like every seccomp test).
bool backend_here(const char* backend, const char* test) {
    if (auto why = backend_unavailable(backend)) {
        std::printf("SKIP: %s on %s: %s\n", test, backend, why->c_str());
        return false;
    }
    return true;
}
bool kvm_here(const char* test) { return backend_here("kvm", test); }
bool seccomp_here(const char* test) { return backend_here("seccomp", test); }

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// Both runs exit with `code`, print `out` exactly, and (if given) say `err_part` on stderr.
void check_both(const Runs& r, int code, const std::string& out, const std::string& err_part = "") {
    for (const RunResult* x : {&r.direct, &r.baked}) {
        check_exit(*x, code);
        INFO(x->describe());
        CHECK(x->out == out);
        if (!err_part.empty()) CHECK(contains(x->err, err_part));
        else CHECK(x->err == "");
    }
}

// A disk of `bytes` in `dir`.
std::string make_disk(const TempDir& dir, const std::string& name, size_t bytes) {
    std::string path = dir / name;
    RunResult r = run({"truncate", "-s", std::to_string(bytes), path});
    REQUIRE(r.exit_code == 0);
    return path;
}

}  // namespace

TEST_CASE("an spt hello prints its command line and exits 0, run directly and baked") {
    if (!seccomp_here("spt hello")) return;
    check_both(run_spt("hello", {}, {"one", "two"}), 0, "Hello, World\nCommand line is: 'one two'\n");
    check_both(run_spt("hello"), 0, "Hello, World\nCommand line is: ''\n");
}

TEST_CASE("an spt guest's status is the exit code, 0..255, as with Solo5's tender") {
    if (!seccomp_here("spt status")) return;
    check_both(run_spt("status", {}, {"42"}), 42, "");
    check_both(run_spt("status", {}, {"255"}), 255, "");
    check_both(run_spt("status", {}, {"250"}), 250, "");
}

TEST_CASE("solo5_abort ends an spt guest with 255") {
    if (!seccomp_here("spt abort")) return;
    check_both(run_spt("abort"), 255, "aborting\n");
}

TEST_CASE("an spt guest's wall and monotonic clocks advance across a timerfd-bounded epoll wait") {
    if (!seccomp_here("spt time")) return;
    Runs r = run_spt("time");
    for (const RunResult* x : {&r.direct, &r.baked}) {
        check_exit(*x, 0);
        INFO(x->describe());
        CHECK(x->out.rfind("time: ok, waited ", 0) == 0);
    }
}

TEST_CASE("an spt guest's forbidden system call kills it with 159, naming the call and the guest symbol") {
    if (!seccomp_here("spt forbidden")) return;
    check_both(run_spt("spt_forbidden"), 159, "calling getpid\n", "forbidden system call getpid (39)");
    check_both(run_spt("spt_forbidden"), 159, "calling getpid\n", "(spt_syscall+0x");
}

TEST_CASE("a guest that set its own FS base is still diagnosed cleanly (the handler restores the monitor's)") {
    if (!seccomp_here("spt tls")) return;
    check_both(run_spt("spt_forbidden", {}, {"tls"}), 159, "FS base set\ncalling getpid\n",
               "forbidden system call getpid (39)");
}

TEST_CASE("spt blk: a block written reads back; one past the end or of another length kills the guest") {
    if (!seccomp_here("spt blk")) return;
    TempDir dir;
    std::string disk = make_disk(dir, "disk", 1 << 20);
    const std::string ok = "blk: block size 512, capacity 1048576\nblk: write/read back ok\n";
    check_both(run_spt("blk", {"--block:storage=" + disk}), 0, ok);
    check_both(run_spt("blk", {"--block:storage=" + disk}, {"oob"}), 159, ok, "forbidden system call pwrite64");
    check_both(run_spt("blk", {"--block:storage=" + disk}, {"badlen"}), 159, ok, "forbidden system call pread64");
    RunResult size = run({"stat", "-c", "%s", disk});
    CHECK(size.out == "1048576\n");  // the refused write did not grow the disk
}

TEST_CASE("spt blk: --block-sector-size sets the block size the guest sees and the filter checks") {
    if (!seccomp_here("spt blk sector size")) return;
    TempDir dir;
    std::string disk = make_disk(dir, "disk", 1 << 20);
    check_both(run_spt("blk", {"--block:storage=" + disk, "--block-sector-size:storage=4096"}), 0,
               "blk: block size 4096, capacity 1048576\nblk: write/read back ok\n");
    check_both(run_spt("blk", {"--block:storage=" + disk, "--block-sector-size:storage=1000"}), 1, "",
               "power of two");
    std::string odd = make_disk(dir, "odd", 4096 + 512);
    check_both(run_spt("blk", {"--block:storage=" + odd, "--block-sector-size:storage=4096"}), 1, "",
               "not a multiple of the 4096-byte sector size");
}

TEST_CASE("a manifest of 63 devices attaches them all; 64 are refused; a missing or undeclared one is refused") {
    TempDir dir;
    Strings opts;
    for (int i = 1; i <= 63; ++i) opts.push_back("--block:d" + std::to_string(i) + "=" + make_disk(dir, "d" + std::to_string(i), 4096));
    if (seccomp_here("spt 63 devices")) check_both(run_spt("devices63", opts), 0, "devices attached: 63\n");
    RunResult r64 = run([&] {
        Strings a{runner()};
        a.insert(a.end(), opts.begin(), opts.end());
        a.push_back(spt_image("devices64"));
        return a;
    }());
    check_exit(r64, 1);
    CHECK(contains(r64.err, "more than the 64 allowed"));
    Strings missing(opts.begin() + 1, opts.end());
    check_both(run_spt("devices63", missing), 1, "", "'d1' is declared by the guest but not attached");
    Strings extra = opts;
    extra.push_back("--block:d64=" + make_disk(dir, "d64", 4096));
    check_both(run_spt("devices63", extra), 1, "", "declares no blk device named 'd64'");
}

TEST_CASE("ukmon-run: a missing KERNEL or an unreadable one is a usage error naming it") {
    RunResult none = run({runner()});
    check_exit(none, 252);
    CHECK(contains(none.err, "missing KERNEL operand"));
    RunResult absent = run({runner(), "/nonexistent/x.spt"});
    check_exit(absent, 252);
    CHECK(contains(absent.err, "/nonexistent/x.spt: cannot read"));
    RunResult not_elf = run({runner(), "/etc/hostname"});
    check_exit(not_elf, 252);
    CHECK(contains(not_elf.err, "not an ELF file"));
}

TEST_CASE("ukmon-run takes the tenders' --mem=MiB") {
    if (!seccomp_here("ukmon-run --mem")) return;
    RunResult r = run({runner(), "--mem=32", spt_image("hello")});
    check_exit(r, 0);
    RunResult tiny = run({runner(), "--mem=1", spt_image("hello")});
    check_exit(tiny, 1);  // a Solo5 guest's monitor error: 1
    CHECK(contains(tiny.err, "smaller than the 4M minimum"));
}

TEST_CASE("ukbake bakes an spt image with only the modules its manifest needs") {
    RunResult nm = run({"nm", spt_baked("hello")});
    if (nm.exit_code != 0) {
        std::printf("SKIP: symbols of a baked spt hello: nm failed or the executable is stripped\n");
        return;
    }
    RunResult inspect = run({build_dir() + "/bin/ukmon-inspect", spt_image("blk"), "--modules"});
    check_exit(inspect, 0);
    CHECK(inspect.out == "blk\n");
    RunResult none = run({build_dir() + "/bin/ukmon-inspect", spt_image("hello"), "--modules"});
    check_exit(none, 0);
    CHECK(none.out == "");
}

// ---- hvt: supervisor code in a VM, hypercalls by port I/O -----------------------------------

TEST_CASE("an hvt hello at CPL0, with its own GDT and IDT, prints its command line and exits 0") {
    if (!kvm_here("hvt hello")) return;
    check_both(run_hvt("hello", {}, {"one", "two"}), 0, "Hello, World\nCommand line is: 'one two'\n");
}

TEST_CASE("an hvt guest's status, abort and clocks are Solo5's") {
    if (!kvm_here("hvt status")) return;
    check_both(run_hvt("status", {}, {"42"}), 42, "");
    check_both(run_hvt("abort"), 255, "aborting\n");
    Runs t = run_hvt("time");
    for (const RunResult* x : {&t.direct, &t.baked}) {
        check_exit(*x, 0);
        CHECK(x->out.rfind("time: ok, waited ", 0) == 0);
    }
}

TEST_CASE("a CPU exception is diagnosed with the guest's symbol and exits 255: hvt (its own IDT) and spt") {
    if (kvm_here("hvt exception")) {
        Runs r = run_hvt("exception");
        check_both(r, 255, "about to fault\nhvt: exception 6\n", "CPU exception in the guest");
        CHECK(contains(r.direct.err, "(crash_here+0x0)"));
    }
    if (!seccomp_here("spt exception")) return;
    Runs s = run_spt("exception");
    check_both(s, 255, "about to fault\n", "invalid opcode (#UD)");
    CHECK(contains(s.direct.err, "(crash_here+0x0)"));
}

TEST_CASE("hvt blk: one block at an aligned offset inside the disk; past the end or another length refused") {
    if (!kvm_here("hvt blk")) return;
    TempDir dir;
    std::string disk = make_disk(dir, "disk", 1 << 20);
    const std::string ok = "blk: block size 512, capacity 1048576\nblk: write/read back ok\n";
    check_both(run_hvt("blk", {"--block:storage=" + disk}), 0, ok);
    check_both(run_hvt("blk", {"--block:storage=" + disk}, {"oob"}), 0, ok + "blk: write past the end refused\n");
    check_both(run_hvt("blk", {"--block:storage=" + disk}, {"badlen"}), 0, ok + "blk: two-block read refused\n");
    check_both(run_hvt("blk", {"--block:storage=" + disk, "--block-sector-size:storage=4096"}), 0,
               "blk: block size 4096, capacity 1048576\nblk: write/read back ok\n");
    RunResult size = run({"stat", "-c", "%s", disk});
    CHECK(size.out == "1048576\n");
}

TEST_CASE("an hvt manifest of 63 devices attaches them all") {
    if (!kvm_here("hvt 63 devices")) return;
    TempDir dir;
    Strings opts;
    for (int i = 1; i <= 63; ++i) opts.push_back("--block:d" + std::to_string(i) + "=" + make_disk(dir, "d" + std::to_string(i), 4096));
    check_both(run_hvt("devices63", opts), 0, "devices attached: 63\n");
}

TEST_CASE("each Solo5 target refuses the backend it cannot run on, in one line, exit 1") {
    RunResult h = run({runner(), "--backend=seccomp", image("hello", "hvt")});
    check_exit(h, 1);
    CHECK(contains(h.err, "a Solo5 hvt image needs --backend=kvm"));
}

// ---- spt under kvm: the same images, their system calls served by the monitor ----------------

namespace {
Runs run_spt_kvm(const std::string& name, const Strings& options = {}, const Strings& args = {}) {
    Strings o{"--backend=kvm"};
    o.insert(o.end(), options.begin(), options.end());
    return run_spt(name, o, args);
}
}  // namespace

TEST_CASE("spt under kvm: hello, status, abort, clocks and an exception behave as under seccomp") {
    if (!kvm_here("spt under kvm")) return;
    check_both(run_spt_kvm("hello", {}, {"one", "two"}), 0, "Hello, World\nCommand line is: 'one two'\n");
    check_both(run_spt_kvm("status", {}, {"42"}), 42, "");
    check_both(run_spt_kvm("abort"), 255, "aborting\n");
    Runs t = run_spt_kvm("time");
    for (const RunResult* x : {&t.direct, &t.baked}) {
        check_exit(*x, 0);
        CHECK(x->out.rfind("time: ok, waited ", 0) == 0);
    }
    Runs e = run_spt_kvm("exception");
    check_both(e, 255, "about to fault\n", "invalid opcode (#UD)");
    CHECK(contains(e.direct.err, "(crash_here+0x0)"));
}

TEST_CASE("spt under kvm: a call outside the device model is refused as the filter would (159, named)") {
    if (!kvm_here("spt under kvm: forbidden")) return;
    check_both(run_spt_kvm("spt_forbidden"), 159, "calling getpid\n", "forbidden system call getpid (39)");
    check_both(run_spt_kvm("spt_forbidden", {}, {"tls"}), 159, "FS base set\ncalling getpid\n",
               "forbidden system call getpid (39)");
}

TEST_CASE("spt under kvm: blk with the spt rules: one block inside the disk; past the end or another length refused") {
    if (!kvm_here("spt under kvm: blk")) return;
    TempDir dir;
    std::string disk = make_disk(dir, "disk", 1 << 20);
    const std::string ok = "blk: block size 512, capacity 1048576\nblk: write/read back ok\n";
    check_both(run_spt_kvm("blk", {"--block:storage=" + disk}), 0, ok);
    check_both(run_spt_kvm("blk", {"--block:storage=" + disk}, {"oob"}), 159, ok, "forbidden system call pwrite64");
    check_both(run_spt_kvm("blk", {"--block:storage=" + disk}, {"badlen"}), 159, ok, "forbidden system call pread64");
    RunResult size = run({"stat", "-c", "%s", disk});
    CHECK(size.out == "1048576\n");
}

TEST_CASE("--net:NAME=@FD refuses an fd that is not open or not a TAP, in one line, exit 1") {
    if (!seccomp_here("net @FD refusals")) return;
    RunResult closed = run({runner(), "--net:service=@77", image("net", "spt"), "10.0.0.2"});
    check_exit(closed, 1);
    CHECK(contains(closed.err, "net device 'service': fd 77 is not an open inherited fd"));
    RunResult file = run({"bash", "-c", "exec 7</dev/null; exec \"$0\" --net:service=@7 \"$1\" 10.0.0.2", runner(),
                          image("net", "spt")});
    check_exit(file, 1);
    CHECK(contains(file.err, "net device 'service': fd 7 is not bound to a TAP interface"));
}
