// Core hypercalls. Each copies its argument struct out by value, validates, acts, writes back.
#include "monitor/abi/ukmon/hypercalls.hpp"

#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "monitor/error.hpp"
#include "monitor/abi/ukmon/random.hpp"

namespace ukmon {
namespace {

void walltime(void*, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_walltime>(gpa, "walltime argument");
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    a.nsecs = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    a.monotonic_nsecs = uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
    a.ret = UK_OK;
    ctx.mem.write(gpa, a, "walltime argument");
}

// Writes all of [data, data+len) to the console; a short write is retried, never dropped.
void puts(void*, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_puts>(gpa, "puts argument");
    auto bytes = ctx.mem.try_span(a.data, a.len);
    if (!bytes) {
        a.ret = UK_EFAULT;
    } else {
        a.ret = UK_OK;
        const std::byte* p = bytes->data();
        size_t left = bytes->size();
        while (left > 0) {
            ssize_t n = ::write(ctx.console_fd, p, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { a.ret = UK_EIO; break; }
            p += n;
            left -= size_t(n);
            ctx.console_bytes += uint64_t(n);
        }
    }
    ctx.mem.write(gpa, a, "puts argument");
}

// Without NICs (no net module linked), poll is a sleep: nothing can become ready.
void poll(void*, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_poll>(gpa, "poll argument");
    timespec ts{time_t(a.timeout_ns / 1000000000ull), long(a.timeout_ns % 1000000000ull)};
    if (a.timeout_ns > 0)  // a zero timeout is a readiness check: answer at once
        while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {}
    a.ready_set = 0;
    a.ret = UK_OK;
    ctx.mem.write(gpa, a, "poll argument");
}

void halt(void*, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_halt>(gpa, "halt argument");
    HaltRequest h;
    h.status = a.status;
    if (a.cookie_len > UK_HALT_COOKIE_MAX) {
        char msg[96];
        std::snprintf(msg, sizeof msg, "halt cookie of %llu bytes is longer than the %u allowed",
                      (unsigned long long)a.cookie_len, UK_HALT_COOKIE_MAX);
        throw GuestFault(msg);
    }
    if (a.cookie_len > 0) {
        auto c = ctx.mem.span(a.cookie, a.cookie_len, "halt cookie");
        std::copy(c.begin(), c.end(), h.cookie.begin());
        h.cookie_len = c.size();
    }
    ctx.halt = h;
}

}  // namespace

void register_core_hypercalls(Dispatcher& d) {
    d.set(UK_HC_WALLTIME, {walltime, nullptr});
    d.set(UK_HC_PUTS, {puts, nullptr});
    if (!d.has(UK_HC_POLL)) d.set(UK_HC_POLL, {poll, nullptr});  // the net module brings its own
    d.set(UK_HC_HALT, {halt, nullptr});
    register_random_hypercall(d);
}

}  // namespace ukmon
