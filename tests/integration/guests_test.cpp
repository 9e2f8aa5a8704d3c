// Each baked test guest runs as its own process on every backend: exact stdout lines, the
// exit code, and the diagnosis on stderr. Malicious guests end cleanly, never by crashing
// the monitor.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/integration/arch_expect.hpp"
#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

using Lines = std::vector<std::string>;

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A crash: exit 255 and a diagnosis whose first line is `first` (exactly), nothing else
// ending up on stdout after the point of the crash.
void check_crash(const RunResult& r, const std::string& first) {
    check_exit(r, 255);
    INFO(r.describe());
    Lines err = r.err_lines();
    REQUIRE(!err.empty());
    CHECK(err[0] == first);
}

// The address in "... of address 0xADDR ...".
uint64_t fault_address(const std::string& line) {
    auto at = line.find("of address 0x");
    REQUIRE(at != std::string::npos);
    return std::strtoull(line.c_str() + at + 11, nullptr, 16);
}

}  // namespace

// ---- hello ------------------------------------------------------------------------------------

TEST_CASE("hello greets, shows its empty command line and backend, and exits 0") {
    for_each_backend("hello", [](const std::string& b) {
        RunResult r = run_on(example_exe("hello"), b);
        check_exit(r, 0);
        INFO(r.describe());
        Lines out = r.out_lines();
        REQUIRE(out.size() == 4);
        CHECK(out[0] == "Hello from a ukmon unikernel!");
        CHECK(out[1] == "command line: \"\" (0 arguments)");
        CHECK(starts_with(out[2], "wall clock: "));
        CHECK(ends_with(out[2], " s since 1970"));
        CHECK(out[3] == "backend: " + b);
        CHECK(r.err == "");
    });
}

TEST_CASE("hello's command line is the guest args after '--' joined by spaces") {
    for_each_backend("hello args", [](const std::string& b) {
        RunResult r = run_on(example_exe("hello"), b, {}, {"a", "b c"});
        check_exit(r, 0);
        Lines out = r.out_lines();
        REQUIRE(out.size() >= 2);
        CHECK(out[1] == "command line: \"a b c\" (2 arguments)");
    });
}

TEST_CASE("the guest's return status becomes the process exit code (hello --status=5 exits 5)") {
    for_each_backend("hello --status=5", [](const std::string& b) {
        RunResult r = run_on(example_exe("hello"), b, {}, {"--status=5"});
        check_exit(r, 5);
        Lines out = r.out_lines();
        REQUIRE(out.size() >= 2);
        CHECK(out[0] == "Hello from a ukmon unikernel!");
        CHECK(out[1] == "command line: \"--status=5\" (1 arguments)");
        CHECK(r.err == "");
    });
}

TEST_CASE("the smallest memory size, 4M, boots hello") {
    for_each_backend("hello --mem=4M", [](const std::string& b) {
        RunResult r = run_on(example_exe("hello"), b, {"--mem=4M"});
        check_exit(r, 0);
        CHECK(starts_with(r.out, "Hello from a ukmon unikernel!\n"));
    });
}

// ---- exit statuses ---------------------------------------------------------------------------

TEST_CASE("halt7: a halt status passes through as the exit code, silently") {
    for_each_backend("halt7", [](const std::string& b) {
        RunResult r = run_on(guest_exe("halt7"), b);
        check_exit(r, 7);
        CHECK(r.out == "");
        CHECK(r.err == "");
    });
}

TEST_CASE("big_status: a halt status above 247 exits 255 and says it is outside 0..247") {
    for_each_backend("big_status", [](const std::string& b) {
        RunResult r = run_on(guest_exe("big_status"), b);
        check_crash(r, "ukmon: guest halted with status 300, outside 0..247 (higher codes are the monitor's)");
        CHECK(r.err_lines().size() == 1);
    });
}

// ---- arguments ---------------------------------------------------------------------------------

TEST_CASE("echo_args: guest arguments arrive verbatim, with spaces, quotes, empties and flag look-alikes") {
    for_each_backend("echo_args", [](const std::string& b) {
        std::vector<std::string> args{"a b", "", "'single'", "\"double\"", "--backend=xen", "-h", "--", "  lead", "tab\tx"};
        RunResult r = run_on(guest_exe("echo_args"), b, {}, args);
        check_exit(r, 0);
        INFO(r.describe());
        Lines want{"argc=10", "argv[0]=[echo_args]"};
        for (size_t i = 0; i < args.size(); ++i) want.push_back("argv[" + std::to_string(i + 1) + "]=[" + args[i] + "]");
        CHECK(r.out_lines() == want);
        CHECK(r.err == "");
    });
}

TEST_CASE("echo_args: without '--' the guest gets only its program name") {
    for_each_backend("echo_args no args", [](const std::string& b) {
        RunResult r = run_on(guest_exe("echo_args"), b);
        check_exit(r, 0);
        CHECK(r.out_lines() == Lines{"argc=1", "argv[0]=[echo_args]"});
    });
}

// ---- malicious guests: bad hypercalls ------------------------------------------------------------

TEST_CASE("bad_pointers: every out-of-memory data pointer gets UK_EFAULT and the guest runs on") {
    for_each_backend("bad_pointers", [](const std::string& b) {
        RunResult r = run_on(guest_exe("bad_pointers"), b);
        check_exit(r, 0);
        INFO(r.describe());
        Lines want{"null: EFAULT",
                   "near UINT64_MAX: EFAULT",
                   "monitor-private area: EFAULT",
                   "past the end of memory: EFAULT",
                   "straddling the end of memory: EFAULT",
                   "huge length: EFAULT",
                   "length wrapping to the start: EFAULT",
                   "all EFAULT"};
        CHECK(r.out_lines() == want);
        CHECK(r.err == "");
    });
}

TEST_CASE("bad_arg_struct: an unreadable argument struct ends the run with 255 and says where") {
    for_each_backend("bad_arg_struct", [](const std::string& b) {
        RunResult r = run_on(guest_exe("bad_arg_struct"), b);
        check_crash(r, "ukmon: guest crashed: puts argument at guest address 0x10, length 0x18, is outside guest memory");
        CHECK(r.out == "");  // never returned to the guest
    });
}

TEST_CASE("unknown_hypercall: hypercall 999 ends the run with 255 and the diagnosis names 999") {
    for_each_backend("unknown_hypercall", [](const std::string& b) {
        RunResult r = run_on(guest_exe("unknown_hypercall"), b);
        check_crash(r, "ukmon: guest crashed: unknown hypercall number 999");
        CHECK(r.out == "");
    });
}

// ---- malicious guests: CPU faults ---------------------------------------------------------------

TEST_CASE("null_deref: a write to address 8 is a page fault named with its function") {
    for_each_backend("null_deref", [](const std::string& b) {
        RunResult r = run_on(guest_exe("null_deref"), b);
        check_exit(r, 255);
        INFO(r.describe());
        Lines err = r.err_lines();
        REQUIRE(err.size() >= 2);
        CHECK(starts_with(err[0], "ukmon: guest crashed: " + expect::write_fault + "8 "));
        CHECK(expect::says(err[0], expect::not_mapped));
        CHECK(err[1].find("(crash_here+0x") != std::string::npos);
    });
}

TEST_CASE("write_text: writing to the guest's own code is a protection page fault") {
    for_each_backend("write_text", [](const std::string& b) {
        RunResult r = run_on(guest_exe("write_text"), b);
        check_exit(r, 255);
        INFO(r.describe());
        Lines err = r.err_lines();
        REQUIRE(err.size() >= 2);
        CHECK(starts_with(err[0], "ukmon: guest crashed: " + expect::write_fault));
        CHECK(expect::says(err[0], expect::protection));
        CHECK(fault_address(err[0]) >= 0x100000);
        CHECK(err[1].find("(main+0x") != std::string::npos);
    });
}

TEST_CASE("exec_heap: jumping into malloc'd memory is a page fault on instruction fetch (NX heap)") {
    for_each_backend("exec_heap", [](const std::string& b) {
        RunResult r = run_on(guest_exe("exec_heap"), b);
        check_exit(r, 255);
        INFO(r.describe());
        Lines err = r.err_lines();
        REQUIRE(!err.empty());
        CHECK(starts_with(err[0], "ukmon: guest crashed: " + expect::fetch_fault));
        CHECK(expect::says(err[0], expect::protection));
        CHECK(fault_address(err[0]) > 0x100000);
    });
}

TEST_CASE("stack_overflow: unbounded recursion faults in the guard page below the stack") {
    for_each_backend("stack_overflow", [](const std::string& b) {
        RunResult r = run_on(guest_exe("stack_overflow"), b);  // default --mem=64M
        check_exit(r, 255);
        INFO(r.describe());
        Lines err = r.err_lines();
        REQUIRE(err.size() >= 2);
        CHECK(starts_with(err[0], "ukmon: guest crashed: " + expect::write_fault));
        CHECK(expect::says(err[0], expect::not_mapped));
        const uint64_t stack_low = (64ull << 20) - (1ull << 20), guard = stack_low - 4096;
        uint64_t addr = fault_address(err[0]);
        CHECK(addr >= guard);
        CHECK(addr < stack_low);
        CHECK(err[1].find("(recurse+0x") != std::string::npos);
    });
}

TEST_CASE("lidt: a privileged instruction at CPL3 is a general protection fault") {
    for_each_backend("lidt", [](const std::string& b) {
        RunResult r = run_on(guest_exe("lidt"), b);
        check_crash(r, "ukmon: guest crashed: general protection fault (#GP)");
        Lines err = r.err_lines();
        REQUIRE(err.size() >= 2);
        CHECK(err[1].find("(main+0x") != std::string::npos);
    });
}

TEST_CASE("lidt with --kvm-cpl0 really loads an empty IDT, so the next fault is a triple fault") {
    for_each_backend("lidt --kvm-cpl0", [](const std::string& b) {
        RunResult r = run_on(guest_exe("lidt"), b, {"--kvm-cpl0"});
        check_crash(r, "ukmon: guest crashed: triple fault (KVM_EXIT_SHUTDOWN)");
    }, {"kvm"});
}

// ---- malicious guests: system calls -------------------------------------------------------------

TEST_CASE("forbidden_syscall: a raw system call never happens; seccomp kills (254), kvm has no kernel (255)") {
    for_each_backend("forbidden_syscall", [](const std::string& b) {
        char dir_template[] = "/tmp/ukmon-syscall-XXXXXX";
        REQUIRE(::mkdtemp(dir_template) != nullptr);
        struct Cleanup {
            std::string dir;
            ~Cleanup() { std::filesystem::remove_all(dir); }
        } cleanup{dir_template};
        std::string marker = std::string(dir_template) + "/marker";
        for (const auto& [call, nr] : expect::forbidden_calls) {
            CAPTURE(call);
            RunResult r = run_on(guest_exe("forbidden_syscall"), b, {}, {call, marker});
            INFO(r.describe());
            CHECK(r.out_lines() == Lines{"attempting " + call});
            CHECK(::access(marker.c_str(), F_OK) != 0);  // open/execve did not create it
            Lines err = r.err_lines();
            REQUIRE(!err.empty());
            CHECK(err[0].find(call) != std::string::npos);             // named, and numbered
            CHECK(err[0].find(std::to_string(nr)) != std::string::npos);
            if (b == "seccomp") {
                check_exit(r, 254);
                CHECK(starts_with(err[0], "ukmon: guest killed: forbidden system call " + call));
            } else {
                check_exit(r, 255);
                CHECK(starts_with(err[0], "ukmon: guest crashed: system call instruction"));
            }
        }
    });
}

TEST_CASE("forbidden_syscall: a guest reads only the wall and monotonic clocks, never a process's CPU-time clock") {
    for_each_backend("clock ids", [](const std::string& b) {
        const std::vector<std::pair<std::string, std::string>> refused{
            {"clock-cpu", expect::clock_gettime_call}, {"clock-pid", expect::clock_gettime_call}, {"sleep-pid", expect::clock_nanosleep_call}};
        for (const auto& [call, named] : refused) {
            CAPTURE(call);
            RunResult r = run_on(guest_exe("forbidden_syscall"), b, {}, {call, "-"});
            INFO(r.describe());
            CHECK(r.out_lines() == Lines{"attempting " + call});
            Lines err = r.err_lines();
            REQUIRE(!err.empty());
            if (b == "seccomp") {
                check_exit(r, 254);
                CHECK(starts_with(err[0], "ukmon: guest killed: forbidden system call " + named));
            } else {
                check_exit(r, 255);
                CHECK(starts_with(err[0], "ukmon: guest crashed: system call instruction"));
            }
        }
        if (b == "seccomp") {  // the clock the hypercalls use stays allowed (kvm: no kernel to call)
            RunResult ok = run_on(guest_exe("forbidden_syscall"), b, {}, {"clock-monotonic", "-"});
            check_exit(ok, 0);
            CHECK(ok.out_lines() == Lines{"attempting clock-monotonic", "clock-monotonic returned 0"});
        }
    });
}
