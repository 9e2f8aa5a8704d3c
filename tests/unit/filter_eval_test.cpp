// The seccomp policy as data: the compiled filter, run on made-up calls by a BPF interpreter
// (monitor/sandbox/bpf_eval.hpp), allows exactly what each rule says, whatever the layout; and
// the hot calls are decided in few instructions (a cost no noisy machine can blur).
#include <doctest/doctest.h>

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <cstdio>
#include <vector>

#include "monitor/sandbox/bpf_eval.hpp"
#include "monitor/sandbox/filter.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

using namespace ukmon;
using namespace ukmon::sandbox;

namespace {

constexpr uint64_t disk_fd = 3, tap_fd = 4, capacity = 1ull << 20;

// The shape of a blk + net run's policy (the exact rules live in the modules; the tests of
// those rules run the real executables).
SyscallPolicy io_policy() {
    SyscallPolicy p;
    p.allow(__NR_write, {{0, 1}}, "core", "console");
    p.allow(__NR_write, {{0, 2}}, "core", "stderr");
    p.allow(__NR_clock_gettime, {{0, 0}}, "core", "realtime");
    p.allow(__NR_clock_gettime, {{0, 1}}, "core", "monotonic");
    p.allow(__NR_clock_nanosleep, {}, "core", "sleep");
    p.allow(__NR_exit_group, {}, "core", "exit");
    p.allow(__NR_pread64, {{0, disk_fd}}, "blk", "read");
    p.allow(__NR_pwrite64, {{0, disk_fd}, {2, 512}, {3, 0, ~(capacity - 1)}}, "blk", "write");
    p.allow(__NR_fsync, {{0, disk_fd}}, "blk", "flush");
    p.allow(__NR_write, {{0, tap_fd}}, "net", "frame out");
    p.allow(__NR_readv, {{0, tap_fd}}, "net", "frame in");
    p.allow(__NR_ppoll, {{1, 1}, {3, 0}}, "net", "poll");
    return p;
}

FakeSyscall call(int nr, std::array<uint64_t, 6> args = {}) { return FakeSyscall{nr, AUDIT_ARCH_X86_64, 0, args}; }

// Calls each rule allows, and near misses it must not.
std::vector<FakeSyscall> probes() {
    std::vector<FakeSyscall> v;
    for (int nr : {__NR_write, __NR_read, __NR_readv, __NR_pread64, __NR_pwrite64, __NR_fsync, __NR_ppoll,
                   __NR_clock_gettime, __NR_clock_nanosleep, __NR_exit_group, __NR_mmap, __NR_openat, __NR_alarm})
        for (uint64_t a0 : {0ull, 1ull, 2ull, 3ull, 4ull, 5ull, ~0ull, 0x100000003ull})
            for (uint64_t a2 : {0ull, 512ull, 513ull, 4096ull})
                for (uint64_t a3 : std::initializer_list<uint64_t>{0, 512, capacity - 512, capacity, capacity + 512, 1ull << 63}) {
                    v.push_back(call(nr, {a0, 0, a2, a3, 0, 0}));
                    v.push_back(call(nr, {a0, 1, a2, a3, 0, 0}));
                }
    FakeSyscall other = call(__NR_write, {1});
    other.arch = AUDIT_ARCH_I386;  // another ABI: refused
    v.push_back(other);
    return v;
}

uint32_t action(const std::vector<sock_filter>& prog, const FakeSyscall& c) {
    auto v = run_bpf(prog, c);
    REQUIRE(v.has_value());
    return v->action & SECCOMP_RET_ACTION_FULL;
}

size_t steps(const std::vector<sock_filter>& prog, const FakeSyscall& c) {
    auto v = run_bpf(prog, c);
    REQUIRE(v.has_value());
    return v->steps;
}

}  // namespace

TEST_CASE("the BPF interpreter: a hand-made program allows one call and traps the rest") {
    std::vector<sock_filter> prog = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0),  // nr
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_write, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
    };
    CHECK(action(prog, call(__NR_write)) == SECCOMP_RET_ALLOW);
    CHECK(action(prog, call(__NR_read)) == SECCOMP_RET_TRAP);
    CHECK(steps(prog, call(__NR_write)) == 3);
    std::vector<sock_filter> bad = {BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0)};
    CHECK_FALSE(run_bpf(bad, call(0)).has_value());  // a jump out of the program
    std::vector<sock_filter> off_end = {BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 0)};
    CHECK_FALSE(run_bpf(off_end, call(0)).has_value());
}

TEST_CASE("the fast layout decides every probe exactly as the plain one: the optimisation loosens no rule") {
    SyscallPolicy p = io_policy();
    auto fast = compile_filter(p, FilterLayout::fast);
    auto plain = compile_filter(p, FilterLayout::plain);
    size_t allowed = 0;
    for (const FakeSyscall& c : probes()) {
        CAPTURE(c.nr);
        CAPTURE(c.args[0]);
        CAPTURE(c.args[2]);
        CAPTURE(c.args[3]);
        uint32_t a = action(fast, c);
        CHECK(a == action(plain, c));
        allowed += a == SECCOMP_RET_ALLOW;
    }
    CHECK(allowed > 0);
    // and what the rules say, spot by spot
    CHECK(action(fast, call(__NR_pwrite64, {disk_fd, 0, 512, capacity - 512})) == SECCOMP_RET_ALLOW);
    CHECK(action(fast, call(__NR_pwrite64, {disk_fd, 0, 512, capacity})) == SECCOMP_RET_TRAP);
    CHECK(action(fast, call(__NR_pwrite64, {disk_fd, 0, 513, 0})) == SECCOMP_RET_TRAP);
    CHECK(action(fast, call(__NR_write, {disk_fd})) == SECCOMP_RET_TRAP);
    CHECK(action(fast, call(__NR_clock_gettime, {2})) == SECCOMP_RET_TRAP);
}

TEST_CASE("the hot calls are decided in few BPF instructions (the filter's cost on the I/O path)") {
    SyscallPolicy p = io_policy();
    auto fast = compile_filter(p, FilterLayout::fast);
    auto plain = compile_filter(p, FilterLayout::plain);
    struct Hot {
        const char* what;
        FakeSyscall c;
    } hot[] = {{"pwrite64 disk", call(__NR_pwrite64, {disk_fd, 0, 512, 4096})},
               {"pread64 disk", call(__NR_pread64, {disk_fd, 0, 512, 4096})},
               {"write tap", call(__NR_write, {tap_fd})},
               {"readv tap", call(__NR_readv, {tap_fd})},
               {"write console", call(__NR_write, {1})},
               {"clock_gettime", call(__NR_clock_gettime, {1})}};
    for (const Hot& h : hot) {
        CAPTURE(h.what);
        size_t f = steps(fast, h.c), s = steps(plain, h.c);
        std::printf("filter cost: %-14s fast %2zu, plain %2zu BPF instructions\n", h.what, f, s);
        CHECK(action(fast, h.c) == SECCOMP_RET_ALLOW);
        CHECK(f <= s);
        CHECK(f <= 20);  // pwrite64 checks three arguments (fd, length, offset): 19 today
    }
}
