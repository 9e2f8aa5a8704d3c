// An I/O thread's filter as --print-filter shows it is the one the thread installs: one
// printed line per rule of its policy, and the program the thread installed (run by the BPF
// interpreter) allows exactly the calls that policy allows, and nothing else.
#include <doctest/doctest.h>
#include <linux/audit.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <sys/syscall.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "arch/machine.hpp"
#include "modules/blk/blk_module.hpp"
#include "modules/blk/blk_ring.hpp"
#include "monitor/guest_access.hpp"
#include "monitor/sandbox/bpf_eval.hpp"
#include "monitor/sandbox/filter.hpp"
#include "monitor/sandbox/policy_print.hpp"

using namespace ukmon;
using namespace ukmon::sandbox;

namespace {

struct FakeDoorbells final : Doorbells {
    std::optional<uint16_t> bind(int) override { return uint16_t(0x510); }
};

std::string printed(const SyscallPolicy& p) {
    char* buf = nullptr;
    size_t len = 0;
    std::FILE* f = ::open_memstream(&buf, &len);
    REQUIRE(f);
    print_thread_policy(f, p, "blk ring thread");
    std::fclose(f);
    std::string s(buf, len);
    std::free(buf);
    return s;
}

bool allowed(const std::vector<sock_filter>& prog, int nr, const std::array<uint64_t, 6>& args) {
    auto v = run_bpf(prog, FakeSyscall{nr, arch::audit_arch, 0, args});  // the build's own architecture
    REQUIRE(v.has_value());
    return (v->action & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ALLOW;
}

}  // namespace

TEST_CASE("the blk ring thread's printed filter is the installed one: a line per rule, and the program allows exactly what the rules allow") {
    constexpr uint64_t low = 0x100000, end = 0x110000;
    std::vector<std::byte> ram(end - low);
    GuestAccessMap access;
    access.add(low, end, true, true);
    GuestMemory mem = GuestMemory(ram.data(), low, end).restricted_to(&access);
    std::array<blk::Device, 2> devices{};
    SyscallPolicy device_rules;
    device_rules.allow(__NR_pread64, {{0, 7}, {2, 512}, {3, 4096, ~0ull, nullptr, true}}, "blk", "blkread");
    device_rules.allow(__NR_pwrite64, {{0, 7}, {2, 512}, {3, 4096, ~0ull, nullptr, true}}, "blk", "blkwrite");
    device_rules.allow(__NR_fsync, {{0, 7}}, "blk", "flush");
    device_rules.allow(__NR_ppoll, {}, "blk", "not the thread's: only pread64, pwrite64 and fsync are taken");
    FakeDoorbells doorbells;
    blk::RingServer ring;
    ring.start(devices, mem, &doorbells, device_rules);
    REQUIRE(ring.started());
    const SyscallPolicy& p = ring.thread_policy();

    // Printed: the heading, then one line per rule naming its call, in the policy's order.
    std::istringstream lines(printed(p));
    std::string line;
    std::vector<std::string> calls;
    while (std::getline(lines, line))
        if (!line.empty() && line[0] != '#') calls.push_back(line.substr(0, line.find(' ')));
    REQUIRE(calls.size() == p.rules().size());
    for (size_t i = 0; i < calls.size(); ++i) CHECK(calls[i] == syscall_name(p.rules()[i].nr));

    // Installed: what the thread runs under (a sanitizer build installs none; then the program
    // the thread would have compiled is checked).
    std::vector<sock_filter> prog = ring.thread_filter();
    if (prog.empty()) prog = compile_filter(p);
    size_t allows = 0;
    for (int nr : {__NR_read, __NR_write, __NR_readv, __NR_pread64, __NR_pwrite64, __NR_fsync, __NR_futex,
                   __NR_clock_gettime, __NR_ppoll, __NR_openat, __NR_mmap, __NR_exit_group, __NR_ioctl})
        for (uint64_t a0 : std::initializer_list<uint64_t>{0, 1, 2, 3, 7, 8, 0x100000007ull})
            for (uint64_t a1 : std::initializer_list<uint64_t>{0, FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE, FUTEX_WAIT})
                for (uint64_t a2 : std::initializer_list<uint64_t>{0, 8, 512, 513})
                    for (uint64_t a3 : std::initializer_list<uint64_t>{0, 4096, 4097}) {
                        const uint64_t args[6] = {a0, a1, a2, a3, 0, 0};
                        CAPTURE(nr);
                        CAPTURE(a0);
                        CAPTURE(a1);
                        CAPTURE(a2);
                        CAPTURE(a3);
                        bool want = p.allows(uint64_t(nr), args);
                        CHECK(allowed(prog, nr, {a0, a1, a2, a3, 0, 0}) == want);
                        allows += want;
                    }
    CHECK(allows > 0);
    ring.stop();
}
