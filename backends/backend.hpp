// What a backend provides to the core (monitor/run.cpp drives the order): how guest memory is
// mapped, how the CPU or process is set up and entered, how a hypercall reaches the
// dispatcher (the gate), how a stopped guest's registers are read, and the system calls it
// needs after lockdown. It knows no personality and no module.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "monitor/run_outcome.hpp"
#include "monitor/cli.hpp"
#include "monitor/doorbells.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"
#include "monitor/personality.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {

class Run;

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;     // "kvm", "seccomp"
    virtual uint32_t abi_kind() const = 0;    // enum uk_backend_kind, for the boot info
    // kvm: the gate is code in a guest page; seccomp: a monitor function the guest calls.
    virtual bool gate_in_guest_memory() const = 0;
    // seccomp: the filter is the only wall between guest and host, so it is never skipped
    // (not even in a sanitizer build); kvm: the VM is the wall, the filter a second one.
    virtual bool filter_is_the_boundary() const = 0;
    // seccomp: a system call the guest makes goes to the host kernel (through the filter);
    // kvm: it stays in the VM (the monitor's SYSCALL stub).
    virtual bool guest_syscalls_reach_host() const = 0;

    // 0. Guest-independent set-up that can go on in the background while the monitor reads
    //    the image's devices and lays out memory (kvm: the host's CPUID). Called once, after
    //    the backend is chosen and the exit actions have started (the last fork before the
    //    guardian's, which only seccomp has); whatever it opens stays clear of the low fds,
    //    so the devices' fds are the same with or without it.
    virtual void start_early() {}
    // 1. Guest memory of `mem_size` bytes, at least the range `rights` covers; returns the
    //    monitor's unrestricted view of it. `shared`: a process forked later (a guardian)
    //    must see the guest's memory (for a core file or the scrub).
    virtual GuestMemory map_memory(uint64_t mem_size, const GuestRights& rights, bool shared) = 0;
    // Whether the monitor may write every byte of that view (kvm: its own read-write
    // mapping) or only what the guest may write (seccomp: the guest's protections apply).
    virtual bool monitor_writes_all_ram() const = 0;
    // The gate's guest address and the TSC frequency for the boot info (after map_memory).
    virtual uint64_t gate_address() const = 0;
    virtual uint64_t tsc_hz() const = 0;
    // The guest's TSC and the host's wall clock at one instant (after map_memory), so that a
    // guest with tsc_hz reads the wall clock without an exit; {0, 0}: not offered.
    virtual ClockBase clock_base() const { return {}; }
    // 2. CPU or process set-up: the rights applied (page tables or mprotect), the entry state,
    //    the signal handlers a run needs. Before lockdown; may allocate.
    virtual void prepare(Run& run, const GuestRights& rights, const EntryState& entry) = 0;
    // Doorbells a module's I/O thread may bind (after map_memory), or null (seccomp).
    virtual Doorbells* doorbells() { return nullptr; }
    // The system calls it needs after lockdown (placeholder fds before prepare()).
    virtual void add_syscall_rules(SyscallPolicy& policy) const = 0;
    // --print-filter: what it prints after the policy table (seccomp: the BPF program).
    virtual void print_filter_extra(std::FILE* out, const SyscallPolicy& policy) const;
    // 3. Runs the guest until it ends and returns how. A backend whose guest shares the
    //    monitor's process (seccomp) never returns: its run ends in Run::conclude.
    virtual RunOutcome enter(Run& run) = 0;
    // Where the guest is now (a signal's `ucontext` when called from a handler, else null):
    // fills `out` and returns true, or false when it cannot tell. Allocation-free.
    virtual bool read_stop(int signal, const void* ucontext, GuestStop& out) const = 0;
};

std::unique_ptr<Backend> make_kvm_backend(const Options& options);
std::unique_ptr<Backend> make_seccomp_backend(const Options& options);

// Whether /dev/kvm opens read-write; if not, why.
bool kvm_available(std::string& why);

}  // namespace ukmon
