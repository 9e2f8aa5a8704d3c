// --gdb under kvm, driven by the real gdb: a baked guest waits at its entry point for
// `gdb -batch` (which loads the unbaked guest ELF for symbols and connects with `target
// remote`), then breakpoints, steps, register and memory access, continue, detach and kill
// behave as they do for a Linux process, and the guest then completes or ends as it should.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

using Clock = std::chrono::steady_clock;

bool have_gdb() { return run({"sh", "-c", "command -v gdb"}).exit_code == 0; }

// A monitor started with --gdb=0, running while gdb talks to it.
struct Monitor {
    pid_t pid = -1;
    int out_fd = -1, err_fd = -1;
    unsigned port = 0;
    RunResult result;

    // Starts EXE --backend=kvm --gdb=0 and reads stderr up to the line that names the port.
    explicit Monitor(const std::string& exe) {
        int out[2], err[2];
        REQUIRE(::pipe2(out, O_CLOEXEC) == 0);
        REQUIRE(::pipe2(err, O_CLOEXEC) == 0);
        std::fflush(stdout);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::setpgid(0, 0);
            int in = ::open("/dev/null", O_RDONLY);
            if (in < 0 || ::dup2(in, 0) < 0 || ::dup2(out[1], 1) < 0 || ::dup2(err[1], 2) < 0) _exit(127);
            ::execl(exe.c_str(), exe.c_str(), "--backend=kvm", "--gdb=0", static_cast<char*>(nullptr));
            _exit(127);
        }
        ::setpgid(pid, pid);
        ::close(out[1]);
        ::close(err[1]);
        out_fd = out[0];
        err_fd = err[0];
        auto deadline = Clock::now() + std::chrono::seconds(10);
        const std::string marker = "waiting for gdb on 127.0.0.1:";
        while (result.err.find('\n', result.err.find(marker)) == std::string::npos) {
            if (!read_some(err_fd, result.err, deadline)) break;
        }
        auto at = result.err.find(marker);
        INFO("monitor stderr: " << result.err);
        REQUIRE(at != std::string::npos);
        port = unsigned(std::strtoul(result.err.c_str() + at + marker.size(), nullptr, 10));
        REQUIRE(port > 0);
    }

    ~Monitor() {
        if (pid > 0) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        if (out_fd >= 0) ::close(out_fd);
        if (err_fd >= 0) ::close(err_fd);
    }

    // Appends what `fd` has to `sink`; false at EOF, error or the deadline.
    static bool read_some(int fd, std::string& sink, Clock::time_point deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        int n = ::poll(&p, 1, int(left));
        if (n < 0 && errno == EINTR) return true;
        if (n <= 0) return false;
        char buf[4096];
        ssize_t got = ::read(fd, buf, sizeof buf);
        if (got <= 0) return false;
        sink.append(buf, size_t(got));
        return true;
    }

    // Waits (at most 30 s) for the monitor to end; everything it printed and its status.
    const RunResult& finish() {
        auto deadline = Clock::now() + std::chrono::seconds(30);
        while (read_some(out_fd, result.out, deadline)) {}
        while (read_some(err_fd, result.err, deadline)) {}
        if (Clock::now() >= deadline) {
            ::kill(-pid, SIGKILL);
            result.timed_out = true;
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0) REQUIRE(errno == EINTR);
        pid = -1;
        if (WIFEXITED(status)) {
            result.exited = true;
            result.exit_code = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status)) {
            result.signaled = true;
            result.term_signal = WTERMSIG(status);
        }
        CHECK_FALSE(result.timed_out);
        return result;
    }
};

// gdb -batch on the unbaked ELF: target remote, then each command in turn.
RunResult gdb_session(const std::string& elf, unsigned port, const std::vector<std::string>& commands) {
    std::vector<std::string> argv{"gdb", "-batch", "-nx", "-ex", "target remote :" + std::to_string(port)};
    for (const std::string& c : commands) {
        argv.push_back("-ex");
        argv.push_back(c);
    }
    argv.push_back(elf);
    RunOptions o;
    o.timeout = std::chrono::milliseconds(60000);
    return run(argv, o);
}

std::string guest_elf(const std::string& name) { return build_dir() + "/tests/guests/" + name + ".elf"; }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Runs `body` for kvm only, when both kvm and gdb are there.
void with_kvm_and_gdb(const std::string& test, const std::function<void()>& body) {
    for_each_backend(test, [&](const std::string&) {
        if (!have_gdb()) {
            std::printf("SKIP: %s: gdb is not installed\n", test.c_str());
            return;
        }
        body();
    }, {"kvm"});
}

}  // namespace

TEST_CASE("gdb: a breakpoint on a guest function stops there, variables read, and the guest then completes") {
    with_kvm_and_gdb("gdb breakpoint session", [] {
        Monitor m(guest_exe("gdb_target"));
        RunResult g = gdb_session(guest_elf("gdb_target"), m.port,
                                  {"print $pc", "break gdb_add", "continue", "print a", "print b", "print gdb_counter",
                                   "bt", "delete", "continue"});
        std::string all = g.out + g.err;
        INFO("gdb: " << g.describe());
        CHECK(has(all, "$1 = (void (*)()) 0x100000 <_start>"));  // break at entry
        CHECK(has(all, "Breakpoint 1, gdb_add ("));
        CHECK(has(all, "$2 = 1\n"));
        CHECK(has(all, "$3 = 10\n"));
        CHECK(has(all, "$4 = 0\n"));
        CHECK(has(all, " in main ("));
        CHECK(has(all, "[Inferior 1 (Remote target) exited with code 052]"));  // 42, in octal
        const RunResult& r = m.finish();
        check_exit(r, 42);
        CHECK(r.out == "total=66 counter=66\n");
    });
}

TEST_CASE("gdb: single steps move the pc; register and memory writes reach the guest") {
    with_kvm_and_gdb("gdb step and write", [] {
        Monitor m(guest_exe("gdb_target"));
        RunResult g = gdb_session(guest_elf("gdb_target"), m.port,
                                  {"stepi", "print $pc", "stepi", "print $pc", "break gdb_add", "continue",
                                   "set var gdb_counter = 1000", "print $rdi", "set var $rdi = 5",
                                   "print $xmm7.v4_int32[0] = 123", "print $xmm7.v4_int32[0]", "stepi", "print $xmm7.v4_int32[0]",
                                   "delete", "continue"});
        std::string all = g.out + g.err;
        INFO("gdb: " << g.describe());
        CHECK(has(all, "$1 = (void (*)()) 0x100002 <_start+2>"));
        CHECK(has(all, "$2 = (void (*)()) 0x100006 <_start+6>"));
        CHECK(has(all, "$3 = 1\n"));
        CHECK(has(all, "$5 = 123\n"));
        CHECK(has(all, "$6 = 123\n"));
        CHECK(has(all, "exited with code 01]"));
        const RunResult& r = m.finish();
        check_exit(r, 1);                           // a = 5 instead of 1: total 70, not 66
        CHECK(r.out == "total=70 counter=1070\n");
    });
}

TEST_CASE("gdb: stepping over the hypercall gate's `out` makes the call once and stops right after it") {
    with_kvm_and_gdb("gdb step over a hypercall", [] {
        Monitor m(guest_exe("gdb_target"));
        // The gate (guest_stubs.S) is 7 instructions, then `out` at 0xff017 and `ret` at 0xff018;
        // the first hypercall gdb_target makes is puts.
        RunResult g = gdb_session(guest_elf("gdb_target"), m.port,
                                  {"break *0xff000", "continue", "delete", "stepi 7", "print $pc", "stepi",
                                   "print $pc", "stepi", "print $pc", "continue"});
        std::string all = g.out + g.err;
        INFO("gdb: " << g.describe());
        CHECK(has(all, "$1 = (void (*)()) 0xff017"));
        CHECK(has(all, "$2 = (void (*)()) 0xff018"));
        CHECK(has(all, "$3 = (void (*)()) 0x") );
        CHECK(has(all, "<uk_puts+"));
        CHECK(has(all, "exited with code 052]"));
        const RunResult& r = m.finish();
        check_exit(r, 42);
        CHECK(r.out == "total=66 counter=66\n");
    });
}

TEST_CASE("gdb: memory outside the guest is an error in gdb, never a monitor crash, and the guest runs on") {
    with_kvm_and_gdb("gdb bad addresses", [] {
        Monitor m(guest_exe("gdb_target"));
        RunResult g = gdb_session(guest_elf("gdb_target"), m.port,
                                  {"x/xg 0x10", "x/xg 0xe0000", "x/xg 0xfffffffffffffff8", "set {char}0x10 = 1",
                                   "x/xg 0x4000000", "break *0x10", "continue"});
        std::string all = g.out + g.err;
        INFO("gdb: " << g.describe());
        CHECK(has(all, "Cannot access memory at address 0x10"));
        CHECK(has(all, "Cannot access memory at address 0xe0000"));  // monitor-private page tables
        CHECK(has(all, "Cannot access memory at address 0xfffffffffffffff8"));
        CHECK(has(all, "Cannot access memory at address 0x4000000"));  // just past 64 MiB
        CHECK(has(all, "Cannot insert breakpoint 1"));
        const RunResult& r = m.finish();
        check_exit(r, 42);
        CHECK(r.out == "total=66 counter=66\n");
    });
}

TEST_CASE("gdb: detach removes the breakpoints and the guest runs to completion") {
    with_kvm_and_gdb("gdb detach", [] {
        Monitor m(guest_exe("gdb_target"));
        RunResult g = gdb_session(guest_elf("gdb_target"), m.port, {"break gdb_add", "continue", "detach"});
        INFO("gdb: " << g.describe());
        CHECK(has(g.out + g.err, "[Inferior 1 (Remote target) detached]"));
        const RunResult& r = m.finish();
        check_exit(r, 42);
        CHECK(r.out == "total=66 counter=66\n");
        CHECK(r.err_lines().size() == 1);  // only the "waiting for gdb" line
    });
}

TEST_CASE("gdb: a debugger that hangs up without a word leaves the guest running to completion") {
    with_kvm_and_gdb("gdb hang-up", [] {
        Monitor m(guest_exe("gdb_target"));
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(fd >= 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(uint16_t(m.port));
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        ::close(fd);
        const RunResult& r = m.finish();
        check_exit(r, 42);
        CHECK(r.out == "total=66 counter=66\n");
    });
}

TEST_CASE("gdb: kill ends the run with exit 255 and says gdb killed it") {
    with_kvm_and_gdb("gdb kill", [] {
        Monitor m(guest_exe("gdb_target"));
        RunResult g = gdb_session(guest_elf("gdb_target"), m.port, {"break gdb_add", "continue", "kill"});
        INFO("gdb: " << g.describe());
        CHECK(has(g.out + g.err, "[Inferior 1 (Remote target) killed]"));
        const RunResult& r = m.finish();
        check_exit(r, 255);
        CHECK(r.out == "");
        CHECK(has(r.err, "\nukmon: guest killed from gdb\n"));
    });
}

TEST_CASE("gdb: a guest fault stops in gdb with the signal and function; passing it on ends the run as usual") {
    with_kvm_and_gdb("gdb fault", [] {
        Monitor m(guest_exe("null_deref"));
        RunResult g = gdb_session(guest_elf("null_deref"), m.port, {"continue", "bt", "continue"});
        std::string all = g.out + g.err;
        INFO("gdb: " << g.describe());
        CHECK(has(all, "Program received signal SIGSEGV, Segmentation fault."));
        CHECK(has(all, "#0  crash_here (p=0x8)"));
        CHECK(has(all, "Program terminated with signal SIGSEGV, Segmentation fault."));
        const RunResult& r = m.finish();
        check_exit(r, 255);
        CHECK(has(r.err, "ukmon: guest crashed: page fault (#PF): write of address 0x8 (not mapped)"));
        CHECK(has(r.err, "(crash_here+0x0)"));
    });
}

TEST_CASE("gdb: --gdb under seccomp is refused with one line that points to plain gdb") {
    RunResult r = run_on(guest_exe("gdb_target"), "seccomp", {"--gdb=0"});
    INFO(r.describe());
    CHECK(r.exit_code == 252);
    auto err = r.err_lines();
    REQUIRE(err.size() == 1);
    CHECK(has(err[0], "--gdb needs the kvm backend"));
    CHECK(has(err[0], "plain gdb"));
    CHECK(r.out == "");
}

TEST_CASE("gdb: --print-filter shows the gdb rules (socket read/sendto, register ioctls) only with --gdb") {
    auto gdb_rows = [](const RunResult& r) {
        std::vector<std::string> rows;
        for (const std::string& line : r.out_lines())
            if (line.find(" gdb ") != std::string::npos && line[0] != '#') rows.push_back(line.substr(0, line.find(' ')));
        return rows;
    };
    RunResult with = run_on(guest_exe("gdb_target"), "kvm", {"--gdb=0", "--print-filter"});
    INFO(with.describe());
    CHECK(with.exit_code == 0);
    CHECK(gdb_rows(with) == std::vector<std::string>{"read", "sendto", "ioctl", "ioctl", "ioctl", "ioctl"});
    CHECK(has(with.out, "arg0 == gdb socket && arg3 == MSG_NOSIGNAL"));
    for (const char* ioctl : {"KVM_SET_REGS", "KVM_SET_SREGS", "KVM_GET_XSAVE", "KVM_SET_XSAVE"})
        CHECK(has(with.out, std::string("arg0 == vcpu fd && arg1 == ") + ioctl));
    RunResult without = run_on(guest_exe("gdb_target"), "kvm", {"--print-filter"});
    CHECK(without.exit_code == 0);
    CHECK(gdb_rows(without).empty());
    CHECK_FALSE(has(without.out, "KVM_SET_REGS"));
}
