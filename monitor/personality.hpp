// A guest ABI is a personality of the core. It recognises its ELF notes, reads its
// manifest, decides the memory layout (the guest's rights), writes its boot info and brings
// its hypercall table. The core's loader, manifest check, dispatcher, policy and exit actions
// are shared by all personalities; no backend and no module knows which one runs.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "monitor/dispatcher.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {

// What the backend tells the personality for the boot info.
struct BootEnv {
    uint64_t mem_size = 0;
    uint64_t gate = 0;        // guest address of the hypercall gate
    uint64_t tsc_hz = 0;      // 0: not offered
    uint32_t backend = 0;     // enum uk_backend_kind
    std::string program_name; // argv[0]
    std::vector<std::string> args;
};

// Where the first guest instruction runs, and with what.
struct EntryState {
    uint64_t rip = 0, rsp = 0;
    uint64_t arg = 0;  // first argument register (rdi): the boot info's address
};

class Personality {
public:
    virtual ~Personality() = default;
    virtual const char* name() const = 0;  // "ukmon"
    // The declared devices; a device's handle is its index here.
    virtual std::span<const DeviceDecl> manifest() const = 0;
    // The guest's rights in memory of `mem_size` bytes; with a gate page when the backend puts
    // its gate into guest memory. UsageError when the image does not fit.
    virtual GuestRights layout(uint64_t mem_size, bool gate_in_guest) const = 0;
    // Fills fresh guest memory (`mem`: the monitor's unrestricted view): segments and boot info.
    virtual EntryState boot(const GuestMemory& mem, const BootEnv& env) const = 0;
    virtual void register_hypercalls(Dispatcher& d) const = 0;
    // System calls its hypercalls need beyond the modules' (owner "core").
    virtual void add_syscall_rules(SyscallPolicy& policy) const = 0;
};

// The personality whose notes the image carries; UsageError ("guest ELF: ...") if none does
// or its notes are malformed.
std::unique_ptr<Personality> recognise_personality(const GuestImage& image);

}  // namespace ukmon
