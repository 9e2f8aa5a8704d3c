// Decoding an x86_64 KVM exit (port I/O from the gate and the stubs) into what the run loop
// acts on: a pure function of kvm_run's fields, unit-tested with synthetic exits.
#pragma once
#include <linux/kvm.h>

#include <cstdint>

#include "backends/kvm/kvm_exit.hpp"

namespace ukmon::kvm {

struct ExitEvent {
    enum class Kind {
        hypercall,      // nr, arg
        fault,          // arg = guest address of the fault frame
        bad_gate_call,  // the gate refused the guest's number or argument
        syscall_insn,   // the guest executed SYSCALL; arg = system call number
        unknown_port,   // port, arg
        halt_insn,      // HLT outside the stubs (CPL0 guests only)
        shutdown,       // triple fault
        fail_entry,     // code = hardware entry failure reason
        internal_error, // code = suberror
        mmio,           // arg = guest physical address outside guest memory
        interrupted,    // KVM_RUN returned for a signal: run again
        other           // code = exit reason
    } kind = Kind::other;
    uint64_t nr = 0;
    uint64_t arg = 0;
    uint16_t port = 0;
    uint64_t code = 0;
};

// `io_data` is the byte area kvm_run.io.data_offset points at (the caller bounds it).
ExitEvent decode_exit(const kvm_run& run, const void* io_data);

}  // namespace ukmon::kvm
