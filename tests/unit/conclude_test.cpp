// Run::conclude is the one end of every run after lockdown: whatever ends it (here a host
// error thrown out of a backend's run loop, as the GDB paths can), the modules' exit actions
// (disk flush), --scrub and --stats still run. Each run is a forked child: the run ends with
// _exit, as a baked executable does.
#include <doctest/doctest.h>

#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "backends/backend.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/run.hpp"
#include "tests/unit/build_files.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t mem_size = 8ull << 20;

// A backend whose guest "runs" by throwing what enter() is given to throw.
class ThrowingBackend final : public Backend {
public:
    explicit ThrowingBackend(bool guest_fault) : guest_fault_(guest_fault) {}
    const char* name() const override { return "fake"; }
    uint32_t abi_kind() const override { return UK_BACKEND_SECCOMP; }
    bool gate_in_guest_memory() const override { return false; }
    bool filter_is_the_boundary() const override { return false; }
    bool monitor_writes_all_ram() const override { return true; }
    GuestMemory map_memory(uint64_t size, const GuestRights&, bool) override {
        void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) throw_errno("mmap");
        return GuestMemory(static_cast<std::byte*>(p), 0, size);
    }
    uint64_t gate_address() const override { return 0; }
    uint64_t tsc_hz() const override { return 0; }
    void prepare(Run&, const GuestRights&, const EntryState&) override {}
    void add_syscall_rules(SyscallPolicy&) const override {}
    RunOutcome enter(Run& run) override {
        run.mark_guest_start();
        if (guest_fault_) throw GuestFault("the fake guest broke the ABI");
        throw HostError("fake: the run loop lost its vCPU", EIO);
    }
    bool read_stop(int, const void*, GuestStop&) const override { return false; }

private:
    bool guest_fault_;
};

// A module whose exit action says on a pipe that it ran.
class RecordingModule final : public Module {
public:
    explicit RecordingModule(int fd) : fd_(fd) {}
    const char* name() const override { return "recorder"; }
    uint32_t device_type() const override { return 99; }
    std::vector<std::string_view> option_words() const override { return {}; }
    std::string options_help() const override { return ""; }
    void attach(std::span<const DeclaredDevice>, std::span<const DeviceOption>) override {}
    void register_hypercalls(Dispatcher&) override {}
    void add_syscall_rules(SyscallPolicy& p) const override {
        p.allow(__NR_write, {{0, uint64_t(fd_), ~0ull, "record fd"}}, "recorder", "the test's record of the exit action");
    }
    bool exit_action() override {
        (void)!::write(fd_, "flushed", 7);
        return true;
    }

private:
    int fd_;
};

struct Ended {
    int exit_code = -1;
    std::string recorded;
    std::string stats;
};

Ended run_to_end(bool guest_fault) {
    std::string stats_path = "/tmp/ukmon-conclude-test-" + std::to_string(::getpid()) + ".json";
    std::vector<std::byte> elf = ukmon_test::hello_elf();
    int pipefd[2];
    REQUIRE(::pipe(pipefd) == 0);
    std::fflush(nullptr);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::close(pipefd[0]);
        RecordingModule recorder(pipefd[1]);
        Module* modules[] = {&recorder};
        Run run("conclude_test", modules, 1);
        std::string stats_opt = "--stats=" + stats_path;
        std::vector<std::string_view> args{stats_opt, "--scrub", "--mem=8M"};
        try {
            run.execute(args, elf, std::make_unique<ThrowingBackend>(guest_fault));
        } catch (...) {
        }
        _exit(99);  // execute() must not return once the guest ran
    }
    ::close(pipefd[1]);
    Ended e;
    char buf[64];
    ssize_t n;
    while ((n = ::read(pipefd[0], buf, sizeof buf)) > 0) e.recorded.append(buf, size_t(n));
    ::close(pipefd[0]);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    e.exit_code = WEXITSTATUS(status);
    std::ifstream in(stats_path);
    e.stats.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    ::unlink(stats_path.c_str());
    return e;
}

}  // namespace

TEST_CASE("a host error that escapes the run loop still flushes, scrubs and reports (one conclude path)") {
    Ended e = run_to_end(false);
    CHECK(e.exit_code == exit_code::host_error);
    CHECK(e.recorded == "flushed");
    INFO("stats: " << e.stats);
    CHECK(e.stats.find("\"kind\": \"host_error\"") != std::string::npos);
    CHECK(e.stats.find("lost its vCPU") != std::string::npos);
    CHECK(e.stats.find("\"scrub\": {") != std::string::npos);  // the scrub ran (null when it did not)
}

TEST_CASE("a guest fault thrown out of the run loop ends as a crash, through the same path") {
    Ended e = run_to_end(true);
    CHECK(e.exit_code == exit_code::crash);
    CHECK(e.recorded == "flushed");
    INFO("stats: " << e.stats);
    CHECK(e.stats.find("\"kind\": \"crashed\"") != std::string::npos);
    CHECK(e.stats.find("\"scrub\": {") != std::string::npos);
}
