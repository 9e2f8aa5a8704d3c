// x86_64 KVM exit decoding (see kvm_exit.hpp).
#include "arch/x86_64/kvm_exit.hpp"

#include <cstring>

#include <ukmon/abi.h>

#include "arch/x86_64/long_mode.hpp"

namespace ukmon::kvm {

ExitEvent decode_exit(const kvm_run& run, const void* io_data) {
    using K = ExitEvent::Kind;
    ExitEvent e;
    switch (run.exit_reason) {
        case KVM_EXIT_IO: {
            e.port = run.io.port;
            uint32_t value = 0;
            if (run.io.direction == KVM_EXIT_IO_OUT && run.io.size == 4 && run.io.count == 1)
                std::memcpy(&value, io_data, 4);
            else {
                e.kind = K::unknown_port;  // an `in`, or an access of another width
                return e;
            }
            e.arg = value;
            if (run.io.port >= x86::hypercall_port_base && run.io.port < x86::hypercall_port_base + UK_HC_MAX) {
                e.kind = K::hypercall;
                e.nr = run.io.port - x86::hypercall_port_base;
            } else if (run.io.port == x86::exception_port) {
                e.kind = K::fault;
            } else if (run.io.port == x86::bad_gate_call_port) {
                e.kind = K::bad_gate_call;
            } else if (run.io.port == x86::syscall_port) {
                e.kind = K::syscall_insn;
            } else {
                e.kind = K::unknown_port;
            }
            return e;
        }
        case KVM_EXIT_HLT: e.kind = K::halt_insn; return e;
        case KVM_EXIT_SHUTDOWN: e.kind = K::shutdown; return e;
        case KVM_EXIT_FAIL_ENTRY:
            e.kind = K::fail_entry;
            e.code = run.fail_entry.hardware_entry_failure_reason;
            return e;
        case KVM_EXIT_INTERNAL_ERROR:
            e.kind = K::internal_error;
            e.code = run.internal.suberror;
            return e;
        case KVM_EXIT_MMIO:
            e.kind = K::mmio;
            e.arg = run.mmio.phys_addr;
            return e;
        case KVM_EXIT_INTR: e.kind = K::interrupted; return e;
        default:
            e.kind = K::other;
            e.code = run.exit_reason;
            return e;
    }
}

}  // namespace ukmon::kvm
