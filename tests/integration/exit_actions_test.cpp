// Exit actions and debugging on both backends: crash diagnoses name the guest function;
// --dumpcore writes a core that gdb opens with the guest's backtrace (and nothing when there
// is no crash); --stats writes a JSON report whose counts match what the guest did;
// --scrub leaves the run's output and exit code alone; ukbake --extract-guest gives the
// baked guest back byte for byte; the plain-gdb recipe for seccomp in docs/debugging.md works.
#include <doctest/doctest.h>
#include <ukmon/abi.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/arch_expect.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/json_lite.hpp"

using namespace ukmon_test;
namespace fs = std::filesystem;

namespace {

using Lines = std::vector<std::string>;

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    INFO("reading " << path);
    REQUIRE(in.good());
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

bool have_gdb() {
    static int cached = -1;
    if (cached < 0) {
        RunResult r = run({"gdb", "--version"});
        cached = r.exited && r.exit_code == 0 ? 1 : 0;
    }
    return cached == 1;
}

// ukbake --extract-guest APP -o OUT
void extract_guest(const std::string& exe, const std::string& out) {
    RunResult r = run({build_dir() + "/bin/ukbake", "--extract-guest", exe, "-o", out});
    INFO(r.describe());
    REQUIRE(r.exit_code == 0);
}

RunResult gdb_batch(const std::vector<std::string>& commands, const std::vector<std::string>& files) {
    std::vector<std::string> argv{"gdb", "-nx", "-batch"};
    for (const std::string& c : commands) argv.insert(argv.end(), {"-ex", c});
    argv.insert(argv.end(), files.begin(), files.end());
    RunOptions slow;
    slow.timeout = std::chrono::milliseconds(60000);
    return run(argv, slow);
}

// The one core file in `dir`, whose name must be core.PROGRAM.PID.
std::string the_core(const TempDir& dir, const std::string& program) {
    auto files = dir.files();
    INFO("files in " << dir.path() << ": " << files.size());
    REQUIRE(files.size() == 1);
    CHECK(starts_with(files[0], "core." + program + "."));
    return dir / files[0];
}

// The frames ("#N ...") of the last backtrace in gdb's output (gdb also shows frame #0 on
// its own when it loads a core or stops).
Lines frames(const RunResult& gdb) {
    Lines out;
    for (const std::string& l : gdb.out_lines()) {
        if (starts_with(l, "#0 ")) out.clear();
        if (starts_with(l, "#")) out.push_back(l);
    }
    return out;
}

const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> crash_kinds{
    {"pointer", {"page fault (#PF): write of address 0xdead0000 (not mapped)", "store_result"}},
    {"divide", {"divide error (#DE)", "average"}},
    {"ud2", {"invalid opcode (#UD)", "unreachable_path"}},
    {"int3", {"breakpoint (#BP)", "leftover_breakpoint"}},
    {"hlt", {"general protection fault (#GP)", "privileged_halt"}},
};

}  // namespace

// ---- crash diagnosis ---------------------------------------------------------------------------

TEST_CASE("exit_crash: #PF, #DE, #UD, #BP and #GP are each named with the guest function, the same on both backends") {
    std::vector<std::string> seen;
    for_each_backend("exit_crash diagnoses", [&](const std::string& b) {
        std::string all;
        for (const auto& [kind, want] : crash_kinds) {
            CAPTURE(kind);
            RunResult r = run_on(guest_exe("exit_crash"), b, {}, {kind});
            check_exit(r, 255);
            INFO(r.describe());
            Lines err = r.err_lines();
            REQUIRE(err.size() == 2);
            CHECK(err[0] == "ukmon: guest crashed: " + want.first);
            CHECK(contains(err[1], " (" + want.second + "+0x"));
            CHECK(r.out == "");
            all += r.err;
        }
        seen.push_back(all);
    });
    if (seen.size() == 2) CHECK(seen[0] == seen[1]);  // byte for byte: rip, rsp, error code, symbol
}

// ---- --dumpcore --------------------------------------------------------------------------------

TEST_CASE("--dumpcore: a bad-pointer crash leaves one core that gdb opens with the guest's backtrace") {
    if (!have_gdb()) {
        std::printf("SKIP: --dumpcore backtrace: gdb is not installed\n");
        return;
    }
    TempDir work;
    extract_guest(guest_exe("exit_crash"), work / "exit_crash.elf");
    for_each_backend("dumpcore backtrace", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("exit_crash"), b, {"--dumpcore=" + cores.path()});
        check_exit(r, 255);
        std::string core = the_core(cores, "exit_crash");
        INFO(r.describe());
        Lines err = r.err_lines();
        REQUIRE(err.size() == 3);
        CHECK(err[0] == "ukmon: guest crashed: page fault (#PF): write of address 0xdead0000 (not mapped)");
        CHECK(err[2] == "ukmon: guest core dumped to " + core);
        struct stat st{};
        REQUIRE(::stat(core.c_str(), &st) == 0);
        CHECK((st.st_mode & 0777) == 0600);  // guest memory may hold secrets
        CHECK(uint64_t(st.st_blocks) * 512 < uint64_t(st.st_size) / 4);  // sparse: zero pages are holes

        RunResult g = gdb_batch({"bt"}, {work / "exit_crash.elf", core});
        INFO(g.describe());
        CHECK(contains(g.out, "Program terminated with signal SIGSEGV"));
        CHECK_FALSE(contains(g.out + g.err, "may not match"));
        Lines bt = frames(g);
        REQUIRE(bt.size() >= 3);
        CHECK(starts_with(bt[0], "#0  store_result ("));
        CHECK(contains(bt[1], " in process_request ("));
        CHECK(contains(bt[2], " in main ("));
    });
}

TEST_CASE("--dumpcore: the core's registers and memory are the guest's: gdb reads the argument and the data") {
    if (!have_gdb()) {
        std::printf("SKIP: --dumpcore registers: gdb is not installed\n");
        return;
    }
    TempDir work;
    extract_guest(guest_exe("exit_crash"), work / "exit_crash.elf");
    for_each_backend("dumpcore registers", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("exit_crash"), b, {"--dumpcore=" + cores.path()}, {"divide"});
        check_exit(r, 255);
        RunResult g = gdb_batch({"bt 1", "p/x $rip", "x/s secret"},
                                {work / "exit_crash.elf", the_core(cores, "exit_crash")});
        INFO(g.describe());
        CHECK(contains(g.out, "Program terminated with signal SIGFPE"));
        Lines bt = frames(g);
        REQUIRE(!bt.empty());
        CHECK(contains(bt[0], " in average (sum=sum@entry=10, count=count@entry=0)"));
        // The same rip the diagnosis printed.
        Lines err = r.err_lines();
        REQUIRE(err.size() >= 2);
        std::string rip = err[1].substr(err[1].find("rip=") + 4);
        rip = rip.substr(0, rip.find(' '));
        CHECK(contains(g.out, "$1 = " + rip));
        CHECK(contains(g.out, "<secret>:\t\"SECRET!!SECRET!!"));  // the data segment, as the guest left it
    });
}

TEST_CASE("--dumpcore: a clean halt writes no core (DIR stays empty); --dumpcore-on-halt writes one at uk_halt") {
    for_each_backend("dumpcore on halt", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("exit_counts"), b, {"--dumpcore=" + cores.path()});
        check_exit(r, 4);
        CHECK(r.err == "");
        CHECK(cores.files().empty());

        RunResult h = run_on(guest_exe("exit_counts"), b, {"--dumpcore=" + cores.path(), "--dumpcore-on-halt"});
        check_exit(h, 4);  // the guest's status still: the core was written
        std::string core = the_core(cores, "exit_counts");
        CHECK(h.err == "ukmon: guest core dumped to " + core + "\n");
        if (!have_gdb()) {
            std::printf("SKIP: --dumpcore-on-halt backtrace on %s: gdb is not installed\n", b.c_str());
            return;
        }
        TempDir work;
        extract_guest(guest_exe("exit_counts"), work / "g.elf");
        RunResult g = gdb_batch({"bt"}, {work / "g.elf", core});
        INFO(g.describe());
        Lines bt = frames(g);
        REQUIRE(bt.size() >= 2);
        CHECK(starts_with(bt[0], "#0  uk_halt (status=status@entry=4"));
        CHECK(contains(bt[1], " in main ("));
    });
}

TEST_CASE("--dumpcore: a crash inside a hypercall gives a core that starts at the caller of the gate") {
    if (!have_gdb()) {
        std::printf("SKIP: --dumpcore in a hypercall: gdb is not installed\n");
        return;
    }
    TempDir work;
    extract_guest(guest_exe("bad_arg_struct"), work / "g.elf");
    for_each_backend("dumpcore in a hypercall", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("bad_arg_struct"), b, {"--dumpcore=" + cores.path()});
        check_exit(r, 255);
        RunResult g = gdb_batch({"bt"}, {work / "g.elf", the_core(cores, "bad_arg_struct")});
        INFO(g.describe());
        CHECK(contains(g.out, "Program terminated with signal SIGABRT"));  // an ABI violation
        Lines bt = frames(g);
        REQUIRE(!bt.empty());
        CHECK(starts_with(bt[0], "#0  main ("));
    });
}

TEST_CASE("--dumpcore: a system call (seccomp SIGSYS, kvm SYSCALL) and a kvm triple fault give cores too") {
    if (!have_gdb()) {
        std::printf("SKIP: --dumpcore system call: gdb is not installed\n");
        return;
    }
    TempDir work;
    extract_guest(guest_exe("forbidden_syscall"), work / "syscall.elf");
    extract_guest(guest_exe("lidt"), work / "lidt.elf");
    for_each_backend("dumpcore system call", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("forbidden_syscall"), b, {"--dumpcore=" + cores.path()},
                             {"socket", cores / "marker"});
        check_exit(r, b == "seccomp" ? 254 : 255);
        RunResult g = gdb_batch({"bt"}, {work / "syscall.elf", the_core(cores, "forbidden_syscall")});
        INFO(g.describe());
        CHECK(contains(g.out, "Program terminated with signal SIGSYS"));
        Lines bt = frames(g);
        REQUIRE(!bt.empty());
        CHECK(contains(bt[0], " in raw_syscall ("));
    });
    for_each_backend("dumpcore triple fault", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("lidt"), b, {"--kvm-cpl0", "--dumpcore=" + cores.path()});
        check_exit(r, 255);
        RunResult g = gdb_batch({"bt"}, {work / "lidt.elf", the_core(cores, "lidt")});
        INFO(g.describe());
        Lines bt = frames(g);
        REQUIRE(!bt.empty());
        CHECK(contains(bt[0], " in main ("));
    }, {"kvm"});
}

TEST_CASE("--dumpcore with --timeout: a hung guest's core shows where it hung, in a hypercall or in its own loop") {
    if (!have_gdb()) {
        std::printf("SKIP: --dumpcore at a timeout: gdb is not installed\n");
        return;
    }
    TempDir work;
    extract_guest(guest_exe("exit_wait"), work / "g.elf");
    for_each_backend("dumpcore timeout", [&](const std::string& b) {
        for (const auto& [mode, frame0] : std::vector<std::pair<std::string, std::string>>{
                 {"sleep", "uk_poll ("}, {"spin", "spin_forever ()"}}) {
            CAPTURE(mode);
            TempDir cores;
            RunResult r = run_on(guest_exe("exit_wait"), b, {"--timeout=1", "--dumpcore=" + cores.path()}, {mode});
            check_exit(r, 251);
            RunResult g = gdb_batch({"bt"}, {work / "g.elf", the_core(cores, "exit_wait")});
            INFO(g.describe());
            CHECK(contains(g.out, "Program terminated with signal SIGALRM"));
            Lines bt = frames(g);
            REQUIRE(bt.size() >= 2);
            CHECK(contains(bt[0], frame0));
            CHECK(contains(bt.back(), " in main ("));
        }
    });
}

TEST_CASE("--dumpcore=DIR must be a writable directory: otherwise 252 with one line, before the guest runs") {
    TempDir dir;
    std::string file = dir / "plain";
    { std::ofstream(file) << "x"; }
    for (const std::string& bad : {dir / "missing", file}) {
        RunResult r = run({guest_exe("exit_counts"), "--dumpcore=" + bad});
        check_exit(r, 252);
        CHECK(r.out == "");
        CHECK(r.err_lines().size() == 1);
        CHECK(contains(r.err, "--dumpcore=" + bad));
    }
    RunResult r = run({guest_exe("exit_counts"), "--dumpcore-on-halt"});
    check_exit(r, 252);
    CHECK(contains(r.err, "--dumpcore=DIR"));
}

TEST_CASE("--dumpcore's supervisor passes a SIGTERM on: the process ends as it would without --dumpcore (250)") {
    TempDir cores;
    for_each_backend("dumpcore SIGTERM", [&](const std::string& b) {
        const std::string script =
            "\"$0\" --backend=$1 \"$2\" & pid=$!; sleep 0.5; kill -TERM $pid; wait $pid; echo status=$?";
        for (const std::string& flag : std::vector<std::string>{"--verbose", "--dumpcore=" + cores.path()}) {
            CAPTURE(flag);
            RunResult r = run({"sh", "-c", script, guest_exe("exit_wait"), b, flag});
            INFO(r.describe());
            CHECK(r.out == "waiting\nstatus=250\n");  // stopped, exit actions run, both ways
        }
        CHECK(cores.files().empty());  // a stopped guest is not a crash
    });
}

TEST_CASE("--dumpcore: when the supervisor is killed, the monitor it watches dies with it") {
    TempDir cores;
    for_each_backend("dumpcore supervisor killed", [&](const std::string& b) {
        const std::string script =
            "\"$0\" --backend=$1 --verbose --dumpcore=$2 & pid=$!; sleep 0.5; kill -KILL $pid; wait $pid; "
            "echo status=$?; sleep 0.3";
        RunResult r = run({"sh", "-c", script, guest_exe("exit_wait"), b, cores.path()});
        INFO(r.describe());
        CHECK(contains(r.out, "status=137"));
        // kvm: the --dumpcore supervisor; seccomp: the guardian (monitor/guardian.hpp).
        const std::string said = b == "kvm" ? "the monitor runs as pid " : "watches the guest's process, pid ";
        auto at = r.err.find(said);
        REQUIRE(at != std::string::npos);
        int child = std::atoi(r.err.c_str() + at + said.size());
        REQUIRE(child > 0);
        std::ifstream status("/proc/" + std::to_string(child) + "/status");
        std::string line, state = "gone";
        while (std::getline(status, line))
            if (starts_with(line, "State:")) state = line;
        CHECK((state == "gone" || contains(state, "Z")));  // exited, or a zombie awaiting its reaper
    });
}

// ---- --stats -----------------------------------------------------------------------------------

TEST_CASE("--stats: the report parses and its counts match what exit_counts did (7 puts, 5 walltime, a cookie)") {
    for_each_backend("stats counts", [&](const std::string& b) {
        TempDir dir;
        RunResult r = run_on(guest_exe("exit_counts"), b, {"--stats=" + dir / "stats.json"}, {"7"});
        check_exit(r, 4);
        Lines out = r.out_lines();
        REQUIRE(out.size() == 7);
        uint64_t boot_walltime = out[0] == "boot walltime 1" ? 1 : 0;
        CHECK((out[0] == "boot walltime 0" || out[0] == "boot walltime 1"));
        auto s = parse_stats(dir / "stats.json");
        CHECK(s["ukmon_stats"].u64() == 1);
        CHECK(s["program"].str() == "exit_counts");
        CHECK(s["backend"].str() == b);
        CHECK(s["mem_bytes"].u64() == 64ull << 20);
        const auto& e = s["exit"];
        CHECK(e["kind"].str() == "halted");
        CHECK(e["code"].u64() == 4);
        CHECK(e["halt_status"].u64() == 4);
        CHECK(e["reason"].str() == "halt");
        CHECK(e["cookie_hex"].str() == "0001feff6f6b");
        const auto& h = s["hypercalls"];
        CHECK(h.members.size() == UK_HC_MAX);
        CHECK(h["puts"]["count"].u64() == 7);
        CHECK(h["walltime"]["count"].u64() == 5 + boot_walltime);
        CHECK(h["halt"]["count"].u64() == 1);
        for (const auto& [name, call] : h.members) {
            CAPTURE(name);
            if (name != "puts" && name != "walltime" && name != "halt") CHECK(call["count"].u64() == 0);
            if (call["count"].u64() == 0) CHECK(call["time_ns"].u64() == 0);
        }
        CHECK(h["puts"]["time_ns"].u64() > 0);
        const auto& t = s["time_ns"];
        CHECK(t["boot"].u64() > 0);
        CHECK(t["run"].u64() > 0);
        CHECK(t["total"].u64() >= t["boot"].u64() + t["run"].u64());
        CHECK(t["total"].u64() < 15'000'000'000ull);
        const auto& d = s["devices"];
        REQUIRE(d.items.size() == 1);
        CHECK(d.items[0]["type"].str() == "console");
        CHECK(d.items[0]["requests"].u64() == 7);
        CHECK(d.items[0]["bytes_out"].u64() == 16 + 6 * 5);
        CHECK(d.items[0]["bytes_in"].u64() == 0);
        CHECK(s["core"].is_null());
        CHECK(s["scrub"].is_null());
    });
}

TEST_CASE("--stats on a crash: kind crashed, code 255, the diagnosis as reason, and the core's path") {
    for_each_backend("stats crash", [&](const std::string& b) {
        TempDir dir, cores;
        RunResult r = run_on(guest_exe("exit_crash"), b, {"--stats=" + dir / "s.json", "--dumpcore=" + cores.path()});
        check_exit(r, 255);
        auto s = parse_stats(dir / "s.json");
        const auto& e = s["exit"];
        CHECK(e["kind"].str() == "crashed");
        CHECK(e["code"].u64() == 255);
        CHECK(starts_with(e["reason"].str(), "guest crashed: " + expect::write_fault + "dead0000 "));
        CHECK(expect::says(e["reason"].str(), expect::not_mapped));
        CHECK(e["halt_status"].is_null());
        CHECK(e["cookie_hex"].is_null());
        CHECK(s["core"].str() == the_core(cores, "exit_crash"));
    });
}

TEST_CASE("--stats records a refused system call (killed, 254) and an ending before boot (usage_error, 252)") {
    for_each_backend("stats killed", [&](const std::string& b) {
        TempDir dir;
        RunResult r = run_on(guest_exe("forbidden_syscall"), b, {"--stats=" + dir / "s.json"}, {"mmap", dir / "m"});
        check_exit(r, 254);
        auto s = parse_stats(dir / "s.json");
        CHECK(s["exit"]["kind"].str() == "killed");
        CHECK(s["exit"]["code"].u64() == 254);
        CHECK(starts_with(s["exit"]["reason"].str(), "guest killed: forbidden system call " + expect::mmap_call));
    }, {"seccomp"});
    TempDir dir;
    RunResult r = run({example_exe("blkstore"), "--stats=" + dir / "s.json", "--block:storage=" + dir / "none.img"});
    check_exit(r, 252);
    auto s = parse_stats(dir / "s.json");
    CHECK(s["exit"]["kind"].str() == "usage_error");
    CHECK(s["exit"]["code"].u64() == 252);
    CHECK(contains(s["exit"]["reason"].str(), "none.img"));
    CHECK(s["backend"].is_null());
    CHECK(s["time_ns"]["boot"].is_null());
}

TEST_CASE("--stats never lands on a disk's file, a symlink or a FIFO: refused at start-up (252), nothing touched, no hang") {
    for_each_backend("stats paths", [&](const std::string& b) {
        TempDir dir;
        const std::string disk = dir / "disk.img", image(64 << 10, 'D');
        std::ofstream(disk, std::ios::binary) << image;
        auto contents = [](const std::string& path) {
            std::ifstream in(path, std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(in), {});
        };
        RunResult same = run_on(example_exe("blkstore"), b, {"--block:storage=" + disk, "--stats=" + disk}, {"put", "k", "v"});
        check_exit(same, 252);
        REQUIRE(same.err_lines().size() == 1);  // one line, naming the problem
        CHECK(contains(same.err, ": --stats=" + disk + ": is a file attached as a device; a report would overwrite it\n"));
        CHECK(contents(disk) == image);

        std::filesystem::create_symlink(disk, dir / "link.json");
        RunResult link = run_on(example_exe("blkstore"), b, {"--block:storage=" + disk, "--stats=" + dir / "link.json"}, {"get", "k"});
        check_exit(link, 252);
        CHECK(contains(link.err, "is a symbolic link"));
        CHECK(contents(disk) == image);

        REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
        RunResult fifo = run_on(guest_exe("halt7"), b, {"--stats=" + dir / "fifo"});
        check_exit(fifo, 252);
        CHECK(contains(fifo.err, "is not a regular file"));
    });
}

TEST_CASE("--stats counts a disk's bytes in and out (blkstore)") {
    for_each_backend("stats blk", [&](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        { std::ofstream(disk).write(std::string(64 * 512, '\0').data(), 64 * 512); }
        RunResult r = run_on(example_exe("blkstore"), b, {"--block:storage=" + disk, "--stats=" + dir / "s.json"},
                             {"put", "key", "value"});
        check_exit(r, 0);
        auto s = parse_stats(dir / "s.json");
        const auto& d = s["devices"];
        REQUIRE(d.items.size() == 2);
        const auto& blk = d.items[1];
        CHECK(blk["type"].str() == "blk");
        CHECK(blk["name"].str() == "storage");
        const auto& h = s["hypercalls"];
        // Under kvm the blk ring carries every request (no blkread/blkwrite exit) where it has
        // a doorbell; otherwise (seccomp, aarch64 kvm) each request is one call.
        if (b == "kvm" && ukmon_test::expect::kvm_blk_ring) CHECK(h["blkread"]["count"].u64() + h["blkwrite"]["count"].u64() == 0);
        else CHECK(blk["requests"].u64() == h["blkread"]["count"].u64() + h["blkwrite"]["count"].u64());
        CHECK(blk["requests"].u64() > 0);
        CHECK(blk["bytes_in"].u64() % 512 == 0);
        CHECK(blk["bytes_out"].u64() % 512 == 0);
        CHECK(blk["bytes_in"].u64() + blk["bytes_out"].u64() > 0);
    });
}

// ---- --scrub -----------------------------------------------------------------------------------

TEST_CASE("--scrub: output and exit code are unchanged; the report counts the pages it zeroed") {
    for_each_backend("scrub", [&](const std::string& b) {
        TempDir dir;
        RunResult plain = run_on(guest_exe("exit_counts"), b, {}, {"3"});
        RunResult r = run_on(guest_exe("exit_counts"), b, {"--scrub", "--stats=" + dir / "s.json"}, {"3"});
        check_exit(r, 4);
        CHECK(r.out == plain.out);
        CHECK(r.err == "");
        auto s = parse_stats(dir / "s.json");
        const auto& sc = s["scrub"];
        CHECK(sc["pages_zeroed"].u64() > 0);  // at least the stack and the data segment
        CHECK(sc["pages_zeroed"].u64() < sc["pages_checked"].u64());
        if (b == "kvm") CHECK(sc["pages_checked"].u64() == (64ull << 20) / 4096);  // all of guest RAM

        RunResult crash = run_on(guest_exe("exit_crash"), b, {"--scrub", "--stats=" + dir / "c.json"});
        check_exit(crash, 255);
        CHECK(starts_with(crash.err, "ukmon: guest crashed: " + expect::data_fault));
        CHECK(parse_stats(dir / "c.json")["scrub"]["pages_zeroed"].u64() > 0);
    });
}

TEST_CASE("--scrub runs after --dumpcore: the core still holds the guest's data") {
    for_each_backend("scrub and dumpcore", [&](const std::string& b) {
        TempDir cores;
        RunResult r = run_on(guest_exe("exit_crash"), b, {"--scrub", "--dumpcore=" + cores.path()});
        check_exit(r, 255);
        CHECK(contains(read_file(the_core(cores, "exit_crash")), "SECRET!!SECRET!!"));
    });
}

// ---- the filter ----------------------------------------------------------------------------------

TEST_CASE("--print-filter shows the exit actions' calls, each on its own fd (kvm), none in the guest's filter (seccomp: the guardian's), and creates no file") {
    for_each_backend("exit action rules", [&](const std::string& b) {
        TempDir dir;
        RunResult r = run_on(example_exe("hello"), b,
                             {"--stats=" + dir / "s.json", "--dumpcore=" + dir.path(), "--print-filter"});
        check_exit(r, 0);
        Lines rules;
        std::set<std::string> calls;
        for (const std::string& l : r.out_lines()) {
            if (starts_with(l, "# The BPF program")) break;
            if (l.empty() || l[0] == '#') continue;
            calls.insert(l.substr(0, l.find(' ')));
            if (contains(l, "exit actions")) rules.push_back(l);
        }
        INFO(r.out);
        if (b == "seccomp") {  // the guardian writes the report and the core, outside the filter
            CHECK(rules.empty());
            CHECK(calls.size() <= 5);
            CHECK(dir.files().empty());
            return;
        }
        REQUIRE(rules.size() == 3);
        CHECK(starts_with(rules[0], "write "));
        CHECK(contains(rules[0], "arg0 == stats fd"));
        CHECK(starts_with(rules[1], "write "));
        CHECK(contains(rules[1], "arg0 == dumpcore pipe"));
        CHECK(starts_with(rules[2], "read "));
        CHECK(contains(rules[2], "arg0 == dumpcore answer pipe"));
        if (b == "seccomp") CHECK(calls.size() <= 7);
        CHECK(dir.files().empty());  // a dry run: no stats file, no supervisor
    });
}

// ---- ukbake --extract-guest --------------------------------------------------------------------

TEST_CASE("ukbake --extract-guest gives back the baked guest ELF byte for byte") {
    TempDir dir;
    for (const auto& [exe, elf] : std::vector<std::pair<std::string, std::string>>{
             {guest_exe("exit_crash"), build_dir() + "/tests/guests/exit_crash.elf"},
             {example_exe("hello"), build_dir() + "/examples/hello.elf"},
             {example_exe("blkstore"), build_dir() + "/examples/blkstore.elf"}}) {
        CAPTURE(exe);
        extract_guest(exe, dir / "out.elf");
        CHECK(read_file(dir / "out.elf") == read_file(elf));
    }
    RunResult r = run({build_dir() + "/bin/ukbake", "--extract-guest", build_dir() + "/bin/ukmon-inspect", "-o",
                       dir / "no.elf"});
    check_exit(r, 252);
    CHECK(contains(r.err, "no ukmon_guest section"));
    CHECK(::access((dir / "no.elf").c_str(), F_OK) != 0);
}

TEST_CASE("ukbake --inspect or a bake given a baked executable points to --extract-guest") {
    TempDir dir;
    const std::string app = example_exe("hello");
    for (const std::vector<std::string>& argv : {std::vector<std::string>{build_dir() + "/bin/ukbake", "--inspect", app},
                                                 std::vector<std::string>{build_dir() + "/bin/ukbake", app, "-o", dir / "again"}}) {
        RunResult r = run(argv);
        INFO(r.describe());
        check_exit(r, 252);
        CHECK(r.err == "ukbake: " + app + " is a baked ukmon executable, not a guest ELF: get its guest with "
                       "ukbake --extract-guest " + app + " -o GUEST.elf\n");
    }
    CHECK(::access((dir / "again").c_str(), F_OK) != 0);
}

// ---- plain gdb under seccomp (docs/debugging.md) ------------------------------------------------

TEST_CASE("the seccomp recipe in docs/debugging.md: plain gdb stops at a guest function and sees its crash") {
    if (!have_gdb()) {
        std::printf("SKIP: seccomp gdb recipe: gdb is not installed\n");
        return;
    }
    for_each_backend("seccomp gdb recipe", [&](const std::string&) {
        TempDir dir;
        extract_guest(guest_exe("exit_crash"), dir / "exit_crash.elf");
        RunResult g = gdb_batch({"add-symbol-file " + dir / "exit_crash.elf", "catch syscall seccomp", "run",
                                 "delete 1", "break process_request", "continue", "print kind", "continue", "bt"},
                                {"--args", guest_exe("exit_crash"), "--backend=seccomp", "--", "divide"});
        INFO(g.describe());
        CHECK(contains(g.out, "Breakpoint 2, process_request (kind="));
        CHECK(contains(g.out, "\"divide\""));
        CHECK(contains(g.out, "Program received signal SIGFPE"));
        Lines bt = frames(g);
        REQUIRE(bt.size() >= 3);
        CHECK(contains(bt[0], " in average ("));
        CHECK(contains(bt[1], " in process_request ("));
    }, {"seccomp"});
}

TEST_CASE("stopping is an exit action: SIGTERM, SIGINT and SIGHUP end the run with 250, a valid --stats and the disk's writes counted") {
    for_each_backend("stop signals", [&](const std::string& b) {
        for (const char* sig : {"TERM", "INT", "HUP"}) {
            CAPTURE(sig);
            TempDir dir;
            {
                std::string zeros(64 << 10, '\0');
                std::ofstream(dir / "disk.img", std::ios::binary).write(zeros.data(), std::streamsize(zeros.size()));
            }
            // Signal once the guest said it wrote (it then waits forever).
            const std::string script =
                "\"$0\" --backend=$1 --stats=$2 --block:disk=$3 > $4 & pid=$!; "
                "for i in $(seq 100); do grep -q written $4 2>/dev/null && break; sleep 0.05; done; "
                "kill -$5 $pid; wait $pid; echo status=$?";
            RunResult r = run({"sh", "-c", script, guest_exe("blk_write_wait"), b, dir / "s.json", dir / "disk.img",
                               dir / "out", sig});
            INFO(r.describe());
            CHECK(r.out == "status=250\n");
            auto st = parse_stats(dir / "s.json");
            CHECK(st["exit"]["kind"].str() == "stopped");
            CHECK(st["exit"]["code"].u64() == 250);
            CHECK(starts_with(st["exit"]["reason"].str(), std::string("stopped by signal")));
            bool found = false;
            for (const auto& d : st["devices"].items)
                if (d["type"].str() == "blk") {
                    found = true;
                    CHECK(d["bytes_out"].u64() == 512);
                }
            CHECK(found);
            std::ifstream disk(dir / "disk.img", std::ios::binary);
            std::string first(512, '\0');
            disk.read(first.data(), 512);
            CHECK(first == std::string(512, '\x5A'));
        }
    });
}
