// The hypercall table and the one entry point every backend calls.
#include "monitor/dispatcher.hpp"

#include <cstdio>
#include <stdexcept>

#include "monitor/error.hpp"
#include "monitor/stats.hpp"

namespace ukmon {

const char* hypercall_name(uint64_t nr) {
    static constexpr const char* names[UK_HC_MAX] = {
        "walltime", "puts", "poll", "blkinfo", "blkwrite", "blkread",
        "netinfo", "netwrite", "netread", "halt", "blkflush", "netwritev", "netreadv", "random", "blkring", "netring", "netpoll"};
    return nr < UK_HC_MAX ? names[nr] : "unknown";
}

uint64_t hypercall_arg_size(uint64_t nr) {
    static constexpr uint64_t sizes[UK_HC_MAX] = {
        sizeof(uk_hc_walltime), sizeof(uk_hc_puts),    sizeof(uk_hc_poll),    sizeof(uk_hc_blkinfo),
        sizeof(uk_hc_blkio),    sizeof(uk_hc_blkio),   sizeof(uk_hc_netinfo), sizeof(uk_hc_netio),
        sizeof(uk_hc_netio),    sizeof(uk_hc_halt),    sizeof(uk_hc_blkflush), sizeof(uk_hc_netv),
        sizeof(uk_hc_netv),     sizeof(uk_hc_random),
        sizeof(uk_hc_blkring),  sizeof(uk_hc_netring), sizeof(uk_hc_netpoll)};
    return nr < UK_HC_MAX ? sizes[nr] : 0;
}

void Dispatcher::set(uint32_t nr, HypercallEntry entry) {
    if (nr >= UK_HC_MAX || table_[nr].fn) throw std::logic_error("hypercall claimed twice");
    table_[nr] = entry;
}

const char* Dispatcher::name(uint64_t nr) const {
    if (nr < UK_HC_MAX && table_[nr].name) return table_[nr].name;
    return hypercall_name(nr);
}

void Dispatcher::dispatch(RunContext& ctx, uint64_t nr, uint64_t arg_gpa) const {
    char msg[128];
    if (nr >= UK_HC_MAX) {
        std::snprintf(msg, sizeof msg, "unknown hypercall number %llu", (unsigned long long)nr);
        throw GuestFault(msg);
    }
    const HypercallEntry& e = table_[nr];
    if (!e.fn) {
        std::snprintf(msg, sizeof msg,
                      "hypercall %s: no module in this executable serves it (declare the device)",
                      hypercall_name(nr));
        throw GuestFault(msg);
    }
    // The whole argument struct must be the guest's to read and (for its OUT fields) to
    // write, checked before the handler acts: a call that cannot report back does nothing.
    // halt's struct has no OUT field and may be read-only.
    // The message is formatted only on failure: this is every hypercall's hot path.
    const uint64_t size = e.arg_size ? e.arg_size : hypercall_arg_size(nr);
    const bool read_only = e.arg_size ? e.arg_read_only : nr == UK_HC_HALT;
    bool ok = read_only ? ctx.mem.try_span(arg_gpa, size).has_value()
                        : ctx.mem.try_writable_span(arg_gpa, size).has_value();
    if (!ok) {
        std::snprintf(msg, sizeof msg, "%s argument", name(nr));
        if (read_only) ctx.mem.span(arg_gpa, size, msg);  // throws the GuestFault naming
        else ctx.mem.writable_span(arg_gpa, size, msg);   // the range and the reason
    }
    ++ctx.hypercall_counts[nr];
    if (!ctx.time_hypercalls) return e.fn(e.owner, ctx, arg_gpa);
    uint64_t start = stats::now_ns();  // --stats only: two vDSO clock reads per call
    e.fn(e.owner, ctx, arg_gpa);
    ctx.hypercall_ns[nr] += stats::now_ns() - start;
}

}  // namespace ukmon
