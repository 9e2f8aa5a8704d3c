// Hypercall dispatch: one table from number to handler, filled by the core and by modules.
#pragma once
#include <array>
#include <cstdint>

#include <ukmon/abi.h>

#include "monitor/run_context.hpp"

namespace ukmon {

// A handler reads its argument struct by value from ctx.mem, validates, acts, and writes
// its OUT fields back. `owner` is the module (or null for the core).
using HypercallFn = void (*)(void* owner, RunContext& ctx, uint64_t arg_gpa);

struct HypercallEntry {
    HypercallFn fn = nullptr;
    void* owner = nullptr;
    // Another personality's call: its argument struct's size and name, and whether it has
    // no OUT field (may be read-only). 0: a ukmon ABI call (hypercall_arg_size/_name).
    uint32_t arg_size = 0;
    bool arg_read_only = false;
    const char* name = nullptr;
};

class Dispatcher {
public:
    // Claiming a number twice is a programming error (two modules for one call).
    void set(uint32_t nr, HypercallEntry entry);
    bool has(uint32_t nr) const { return nr < UK_HC_MAX && table_[nr].fn != nullptr; }
    // Throws GuestFault for an unknown number or one no linked module serves.
    void dispatch(RunContext& ctx, uint64_t nr, uint64_t arg_gpa) const;
    // The name of call `nr` in the table ("puts"), or "unknown".
    const char* name(uint64_t nr) const;
    // The name its entry carries (another personality's call), or nullptr.
    const char* own_name(uint64_t nr) const { return nr < UK_HC_MAX ? table_[nr].name : nullptr; }

private:
    std::array<HypercallEntry, UK_HC_MAX> table_{};
};

const char* hypercall_name(uint64_t nr);  // "puts", or "unknown"
uint64_t hypercall_arg_size(uint64_t nr);  // sizeof its argument struct, 0 past the table

}  // namespace ukmon
