// The guest process's report to the guardian (see guest_process_report.hpp).
#include "monitor/guest_process_report.hpp"

#include <algorithm>
#include <cstring>

#include "monitor/exit_codes.hpp"

namespace ukmon {
namespace {

void copy_string(char* dst, size_t size, const char* src) {
    size_t n = src ? strnlen(src, size - 1) : 0;
    std::memcpy(dst, src, n);
    dst[n] = '\0';
}

// The exit code each outcome kind may end with (a halt: its own status, or 253 when an exit
// action failed, or 255 above 247).
bool code_fits(RunOutcome::Kind k, uint64_t status, int code) {
    using K = RunOutcome::Kind;
    switch (k) {
        case K::halted:
            return (status <= uint64_t(exit_code::guest_max) && code == int(status)) || code == exit_code::host_error ||
                   (status > uint64_t(exit_code::guest_max) && code == exit_code::crash);
        case K::crashed: return code == exit_code::crash;
        case K::killed: return code == exit_code::killed;
        case K::host_error: return code == exit_code::host_error;
        case K::timeout: return code == exit_code::timeout;
        case K::stopped: return code == exit_code::stopped;
    }
    return false;
}

}  // namespace

void write_guest_process_report(GuestProcessReport& out, const RunOutcome& outcome, int exit_code,
                                uint64_t guest_start_ns, const RunContext& ctx, std::span<Module* const> modules) {
    out.magic = 0;
    out.outcome = outcome;
    out.exit_code = exit_code;
    out.guest_start_ns = guest_start_ns;
    out.hypercall_counts = ctx.hypercall_counts;
    out.hypercall_ns = ctx.hypercall_ns;
    out.console_bytes = ctx.console_bytes;
    out.cookie_len = ctx.halt ? ctx.halt->cookie_len : 0;
    if (ctx.halt) out.cookie = ctx.halt->cookie;
    DeviceCounters devices[UK_MAX_DEVICES];
    size_t n = 0;
    for (Module* m : modules) n += m->device_counters(std::span<DeviceCounters>(devices + n, UK_MAX_DEVICES - n));
    out.device_count = uint32_t(n);
    for (size_t i = 0; i < n; ++i) {
        auto& d = out.devices[i];
        copy_string(d.type, sizeof d.type, devices[i].type);
        copy_string(d.name, sizeof d.name, devices[i].name);
        d.requests = devices[i].requests;
        d.bytes_in = devices[i].bytes_in;
        d.bytes_out = devices[i].bytes_out;
    }
    __atomic_store_n(&out.magic, GuestProcessReport::complete, __ATOMIC_RELEASE);
}

std::optional<CheckedReport> check_guest_process_report(const GuestProcessReport& r) {
    using K = RunOutcome::Kind;
    if (r.magic != GuestProcessReport::complete) return std::nullopt;
    // The kind by its bytes: a forged value outside the enum is refused, never used.
    int kind;
    std::memcpy(&kind, &r.outcome.kind, sizeof kind);
    if (kind < int(K::halted) || kind > int(K::stopped)) return std::nullopt;
    K k = K(kind);
    if (k != K::halted && r.outcome.status != 0) return std::nullopt;
    if (r.exit_code < 0 || r.exit_code > 255 || !code_fits(k, r.outcome.status, r.exit_code)) return std::nullopt;
    if (r.cookie_len > UK_HALT_COOKIE_MAX || r.device_count > UK_MAX_DEVICES) return std::nullopt;
    if (r.outcome.stop.signal < 0 || r.outcome.stop.signal > 64) return std::nullopt;

    CheckedReport c;
    c.outcome = RunOutcome{k, r.outcome.status, {}};
    std::memcpy(c.outcome.diagnosis, r.outcome.diagnosis, sizeof c.outcome.diagnosis);
    c.outcome.diagnosis[sizeof c.outcome.diagnosis - 1] = '\0';
    c.outcome.stop.regs = r.outcome.stop.regs;
    c.outcome.stop.signal = r.outcome.stop.signal;
    unsigned char known, in_hypercall;  // bools by their bytes, normalised
    std::memcpy(&known, &r.outcome.stop.known, 1);
    std::memcpy(&in_hypercall, &r.outcome.stop.in_hypercall, 1);
    c.outcome.stop.known = known != 0;
    c.outcome.stop.in_hypercall = in_hypercall != 0;
    c.exit_code = r.exit_code;
    c.guest_start_ns = r.guest_start_ns;
    c.figures.hypercall_counts = r.hypercall_counts;
    c.figures.hypercall_ns = r.hypercall_ns;
    c.figures.console_bytes = r.console_bytes;
    if (k == K::halted) {
        HaltRequest h;
        h.status = r.outcome.status;
        h.cookie = r.cookie;
        h.cookie_len = size_t(r.cookie_len);
        c.figures.halt = h;
    }
    c.devices = r.devices;
    c.device_count = r.device_count;
    for (size_t i = 0; i < c.device_count; ++i) {
        auto& d = c.devices[i];
        d.type[sizeof d.type - 1] = '\0';
        d.name[sizeof d.name - 1] = '\0';
    }
    return c;
}

size_t CheckedReport::device_counters(std::span<DeviceCounters> out) const {
    size_t n = std::min(device_count, out.size());
    for (size_t i = 0; i < n; ++i)
        out[i] = DeviceCounters{devices[i].type, devices[i].name, devices[i].requests, devices[i].bytes_in,
                                devices[i].bytes_out};
    return n;
}

}  // namespace ukmon
