// The dispatcher and the core hypercalls: a bad number or an unreadable argument struct ends
// the run (GuestFault); a bad data pointer inside a valid call is an error return (UK_EFAULT).
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/abi/ukmon/hypercalls.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "monitor/run_outcome.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t mem_size = 4ull << 20;
constexpr uint64_t arg_at = 0x200000;   // where tests put argument structs
constexpr uint64_t data_at = 0x201000;  // and data

// Argument structs by field name, so a field appended to the ABI does not shift these.
uk_hc_puts puts_arg(uint64_t data, uint64_t len) {
    uk_hc_puts a{};
    a.ret = -1;
    a.data = data;
    a.len = len;
    return a;
}
uk_hc_halt halt_arg(uint64_t status, uint64_t cookie, uint64_t cookie_len) {
    uk_hc_halt a{};
    a.status = status;
    a.cookie = cookie;
    a.cookie_len = cookie_len;
    return a;
}

// Guest memory, a core dispatcher, and a pipe standing in for the console.
struct Fixture {
    std::vector<std::byte> ram = std::vector<std::byte>(mem_size);
    GuestMemory full{ram.data(), 0, mem_size};
    Dispatcher d;
    int pipe_fds[2] = {-1, -1};
    RunContext ctx{full.sub_range(layout::guest_visible_low, mem_size), -1, {}, {}};

    Fixture() {
        register_core_hypercalls(d);
        REQUIRE(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC) == 0);
        ctx.console_fd = pipe_fds[1];
    }
    ~Fixture() {
        close(pipe_fds[0]);
        close(pipe_fds[1]);
    }
    std::string console() {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = read(pipe_fds[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
        return out;
    }
    int64_t puts(uint64_t data, uint64_t len) {
        full.write(arg_at, puts_arg(data, len));
        d.dispatch(ctx, UK_HC_PUTS, arg_at);
        return full.read<uk_hc_puts>(arg_at).ret;
    }
    std::string fault_of(uint64_t nr, uint64_t arg) {
        try {
            d.dispatch(ctx, nr, arg);
        } catch (const GuestFault& e) {
            return e.what();
        }
        return "";
    }
};

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("an unknown hypercall number ends the run and the diagnosis names the number") {
    Fixture f;
    CHECK(contains(f.fault_of(999, arg_at), "unknown hypercall number 999"));
    CHECK(contains(f.fault_of(UK_HC_MAX, arg_at), "unknown hypercall number " + std::to_string(UK_HC_MAX)));
    CHECK(contains(f.fault_of(UINT64_MAX, arg_at), "18446744073709551615"));
}

TEST_CASE("a known number no linked module serves ends the run and names the call") {
    Fixture f;
    for (uint64_t nr : {UK_HC_BLKINFO, UK_HC_BLKREAD, UK_HC_NETWRITE, UK_HC_NETREADV}) {
        CAPTURE(nr);
        std::string e = f.fault_of(nr, arg_at);
        CHECK(contains(e, hypercall_name(nr)));
        CHECK(contains(e, "no module"));
    }
}

TEST_CASE("the core serves walltime, puts, poll and halt") {
    Dispatcher d;
    register_core_hypercalls(d);
    for (uint32_t nr : {UK_HC_WALLTIME, UK_HC_PUTS, UK_HC_POLL, UK_HC_HALT}) CHECK(d.has(nr));
    CHECK_FALSE(d.has(UK_HC_BLKINFO));
    CHECK_FALSE(d.has(UK_HC_MAX));
    CHECK_FALSE(d.has(UINT32_MAX));
}

TEST_CASE("claiming a hypercall twice, or one past the table, is a programming error") {
    Dispatcher d;
    register_core_hypercalls(d);
    auto fn = [](void*, RunContext&, uint64_t) {};
    CHECK_THROWS_AS(d.set(UK_HC_PUTS, {fn, nullptr}), std::logic_error);
    CHECK_THROWS_AS(d.set(UK_HC_MAX, {fn, nullptr}), std::logic_error);
    CHECK_NOTHROW(d.set(UK_HC_BLKINFO, {fn, nullptr}));
}

TEST_CASE("puts writes exactly the bytes asked for and returns UK_OK") {
    Fixture f;
    std::memcpy(f.ram.data() + data_at, "hello, world", 12);
    CHECK(f.puts(data_at, 5) == UK_OK);
    CHECK(f.puts(data_at, 0) == UK_OK);
    CHECK(f.console() == "hello");
    CHECK(f.ctx.hypercall_counts[UK_HC_PUTS] == 2);
}

TEST_CASE("puts with a data pointer outside guest-visible memory returns UK_EFAULT and writes nothing") {
    Fixture f;
    CHECK(f.puts(0, 1) == UK_EFAULT);                        // null
    CHECK(f.puts(0x1000, 16) == UK_EFAULT);                  // monitor-private area
    CHECK(f.puts(layout::guest_visible_low - 1, 2) == UK_EFAULT);  // straddles into it
    CHECK(f.puts(mem_size, 1) == UK_EFAULT);                 // past the end
    CHECK(f.puts(mem_size - 4, 8) == UK_EFAULT);             // straddles the end
    CHECK(f.puts(0xFFFFFFFFFFFFFFF0ull, 0x20) == UK_EFAULT); // wraps
    CHECK(f.puts(data_at, UINT64_MAX) == UK_EFAULT);         // huge length
    CHECK(f.puts(data_at, 0 - data_at + 1) == UK_EFAULT);    // data+len wraps to 1
    CHECK(f.console() == "");
}

TEST_CASE("a hypercall whose argument struct is outside guest-visible memory ends the run") {
    Fixture f;
    for (uint64_t at : {uint64_t(0x10), uint64_t(0x1000), mem_size - 8, mem_size, UINT64_MAX - 4}) {
        CAPTURE(at);
        std::string e = f.fault_of(UK_HC_PUTS, at);
        CHECK(contains(e, "puts argument"));
        CHECK(contains(e, "outside guest memory"));
    }
    CHECK(contains(f.fault_of(UK_HC_HALT, 0x10), "halt argument"));
    CHECK(contains(f.fault_of(UK_HC_WALLTIME, 0x10), "walltime argument"));
    CHECK(f.console() == "");
}

TEST_CASE("halt records the status and the cookie") {
    Fixture f;
    std::memcpy(f.ram.data() + data_at, "bye", 3);
    f.full.write(arg_at, halt_arg(7, data_at, 3));
    f.d.dispatch(f.ctx, UK_HC_HALT, arg_at);
    REQUIRE(f.ctx.halt);
    CHECK(f.ctx.halt->status == 7);
    CHECK(f.ctx.halt->cookie_len == 3);
    CHECK(std::memcmp(f.ctx.halt->cookie.data(), "bye", 3) == 0);
}

TEST_CASE("halt without a cookie, and with a status above 247, is recorded as asked") {
    Fixture f;
    f.full.write(arg_at, halt_arg(300, 0, 0));
    f.d.dispatch(f.ctx, UK_HC_HALT, arg_at);
    REQUIRE(f.ctx.halt);
    CHECK(f.ctx.halt->status == 300);  // exit_code_for turns it into the crash code
    CHECK(f.ctx.halt->cookie_len == 0);
}

TEST_CASE("a halt cookie longer than UK_HALT_COOKIE_MAX ends the run and is not copied") {
    Fixture f;
    f.full.write(arg_at, halt_arg(0, data_at, UK_HALT_COOKIE_MAX + 1));
    CHECK(contains(f.fault_of(UK_HC_HALT, arg_at), "257"));
    CHECK_FALSE(f.ctx.halt);
    f.full.write(arg_at, halt_arg(0, data_at, UINT64_MAX));
    CHECK(contains(f.fault_of(UK_HC_HALT, arg_at), "longer than"));
    CHECK_FALSE(f.ctx.halt);
    f.full.write(arg_at, halt_arg(0, data_at, UK_HALT_COOKIE_MAX));  // exactly the maximum is fine
    f.d.dispatch(f.ctx, UK_HC_HALT, arg_at);
    REQUIRE(f.ctx.halt);
    CHECK(f.ctx.halt->cookie_len == UK_HALT_COOKIE_MAX);
}

TEST_CASE("a halt cookie pointer outside guest memory ends the run") {
    Fixture f;
    f.full.write(arg_at, halt_arg(0, 0x1000, 4));
    CHECK(contains(f.fault_of(UK_HC_HALT, arg_at), "halt cookie"));
    CHECK_FALSE(f.ctx.halt);
}

TEST_CASE("walltime returns the host's wall clock") {
    Fixture f;
    timespec before{}, after{};
    clock_gettime(CLOCK_REALTIME, &before);
    uk_hc_walltime w{};
    w.ret = -1;
    f.full.write(arg_at, w);
    f.d.dispatch(f.ctx, UK_HC_WALLTIME, arg_at);
    clock_gettime(CLOCK_REALTIME, &after);
    auto a = f.full.read<uk_hc_walltime>(arg_at);
    CHECK(a.ret == UK_OK);
    CHECK(a.nsecs >= uint64_t(before.tv_sec) * 1000000000ull + uint64_t(before.tv_nsec));
    CHECK(a.nsecs <= uint64_t(after.tv_sec) * 1000000000ull + uint64_t(after.tv_nsec));
}

TEST_CASE("poll without NICs returns after the timeout with nothing ready") {
    Fixture f;
    uk_hc_poll p{};
    p.ret = -1;
    p.timeout_ns = 1000000;
    p.ready_set = ~0ull;
    f.full.write(arg_at, p);
    f.d.dispatch(f.ctx, UK_HC_POLL, arg_at);
    auto a = f.full.read<uk_hc_poll>(arg_at);
    CHECK(a.ret == UK_OK);
    CHECK(a.ready_set == 0);
}

TEST_CASE("hypercall names are known for every number and 'unknown' past the table") {
    CHECK(std::string(hypercall_name(UK_HC_PUTS)) == "puts");
    CHECK(std::string(hypercall_name(UK_HC_HALT)) == "halt");
    CHECK(std::string(hypercall_name(UK_HC_NETREADV)) == "netreadv");
    CHECK(std::string(hypercall_name(UK_HC_MAX)) == "unknown");
    CHECK(std::string(hypercall_name(UINT64_MAX)) == "unknown");
}

TEST_CASE("a guest status 0..247 is the exit code; anything above, and every failure, maps to the monitor's codes") {
    CHECK(exit_code_for(RunOutcome::halted(0)) == 0);
    CHECK(exit_code_for(RunOutcome::halted(7)) == 7);
    CHECK(exit_code_for(RunOutcome::halted(247)) == 247);
    CHECK(exit_code_for(RunOutcome::halted(248)) == exit_code::crash);
    CHECK(exit_code_for(RunOutcome::halted(300)) == exit_code::crash);  // not 300 & 255 == 44
    CHECK(exit_code_for(RunOutcome::halted(256)) == exit_code::crash);  // not 0
    CHECK(exit_code_for(RunOutcome::halted(UINT64_MAX)) == exit_code::crash);
    CHECK(exit_code_for(RunOutcome::make(RunOutcome::Kind::crashed, "x")) == 255);
    CHECK(exit_code_for(RunOutcome::make(RunOutcome::Kind::killed, "x")) == 254);
    CHECK(exit_code_for(RunOutcome::make(RunOutcome::Kind::host_error, "x")) == 253);
    CHECK(exit_code_for(RunOutcome::make(RunOutcome::Kind::timeout, "x")) == 251);
}
