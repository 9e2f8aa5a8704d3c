// The hypercall table and the one entry point every backend calls.
#include "monitor/dispatcher.hpp"

#include <cstdio>
#include <stdexcept>

#include "monitor/error.hpp"

namespace ukmon {

const char* hypercall_name(uint64_t nr) {
    static constexpr const char* names[UK_HC_MAX] = {
        "walltime", "puts", "poll", "blkinfo", "blkwrite", "blkread",
        "netinfo", "netwrite", "netread", "halt", "blkflush", "netwritev", "netreadv"};
    return nr < UK_HC_MAX ? names[nr] : "unknown";
}

void Dispatcher::set(uint32_t nr, HypercallEntry entry) {
    if (nr >= UK_HC_MAX || table_[nr].fn) throw std::logic_error("hypercall claimed twice");
    table_[nr] = entry;
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
    ++ctx.hypercall_counts[nr];
    e.fn(e.owner, ctx, arg_gpa);
}

}  // namespace ukmon
