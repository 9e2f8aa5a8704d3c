// Decoding an aarch64 KVM exit into what the run loop acts on: the gate's and the vectors'
// stores to the MMIO windows (el0_layout.hpp) become hypercalls and fault reports; every
// other value is the guest's and checked (address, length, direction). Pure: unit-tested
// with synthetic kvm_run exits on any host.
#pragma once
#include <linux/kvm.h>

#include <cstdint>

namespace ukmon::a64 {

struct ExitEvent {
    enum class Kind {
        hypercall,       // nr, arg (the argument struct's guest address)
        bad_gate_call,   // the gate refused number nr
        fault,           // nr = vector entry (the vectors' report)
        window_misuse,   // the guest's own access to a window the gate does not make: addr, len, write
        outside_memory,  // an access to unbacked guest-physical memory: addr, write
        undecodable,     // KVM_EXIT_ARM_NISV: an MMIO access KVM cannot decode (addr)
        system_event,    // code = KVM_SYSTEM_EVENT_* (PSCI SYSTEM_OFF, RESET, ...)
        fail_entry,      // code = hardware entry failure reason
        internal_error,  // code = suberror
        interrupted,     // KVM_RUN returned for a signal: run again
        other            // code = exit reason
    } kind = Kind::other;
    uint64_t nr = 0, arg = 0, addr = 0, code = 0;
    uint32_t len = 0;
    bool write = false;
};

ExitEvent decode_exit(const kvm_run& run);

}  // namespace ukmon::a64
