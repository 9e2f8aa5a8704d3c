// aarch64 KVM exit decoding (see kvm_exit.hpp).
#include "arch/aarch64/kvm_exit.hpp"

#include <cstring>

#include <ukmon/abi.h>

#include "arch/aarch64/el0_layout.hpp"

namespace ukmon::a64 {
namespace {

ExitEvent decode_mmio(const kvm_run& run) {
    using K = ExitEvent::Kind;
    ExitEvent e;
    e.addr = run.mmio.phys_addr;
    e.len = run.mmio.len;
    e.write = run.mmio.is_write != 0;
    const bool in_hc = e.addr >= hypercall_window && e.addr - hypercall_window < page_size;
    const bool in_fault = e.addr >= fault_window && e.addr - fault_window < page_size;
    if (!in_hc && !in_fault) {
        e.kind = K::outside_memory;
        return e;
    }
    // Only an aligned 8-byte store is something the gate or the vectors make.
    e.kind = K::window_misuse;
    if (!e.write || e.len != 8 || e.addr % 8 != 0) return e;
    uint64_t value;
    std::memcpy(&value, run.mmio.data, 8);  // little-endian, as the guest stored it
    if (in_hc) {
        uint64_t off = e.addr - hypercall_window;
        if (off / 8 < UK_HC_MAX) {
            e.kind = K::hypercall;
            e.nr = off / 8;
            e.arg = value;
        } else if (off == bad_call_offset) {
            e.kind = K::bad_gate_call;
            e.nr = value;
        }
        return e;
    }
    uint64_t off = e.addr - fault_window;
    if (off / 8 < vector_entries && value == 0) {
        e.kind = K::fault;
        e.nr = off / 8;
    }
    return e;
}

}  // namespace

ExitEvent decode_exit(const kvm_run& run) {
    using K = ExitEvent::Kind;
    ExitEvent e;
    switch (run.exit_reason) {
        case KVM_EXIT_MMIO: return decode_mmio(run);
        case KVM_EXIT_ARM_NISV:
            e.kind = K::undecodable;
            e.addr = run.arm_nisv.fault_ipa;
            return e;
        case KVM_EXIT_SYSTEM_EVENT:
            e.kind = K::system_event;
            e.code = run.system_event.type;
            return e;
        case KVM_EXIT_FAIL_ENTRY:
            e.kind = K::fail_entry;
            e.code = run.fail_entry.hardware_entry_failure_reason;
            return e;
        case KVM_EXIT_INTERNAL_ERROR:
            e.kind = K::internal_error;
            e.code = run.internal.suberror;
            return e;
        case KVM_EXIT_INTR: e.kind = K::interrupted; return e;
        default:
            e.kind = K::other;
            e.code = run.exit_reason;
            return e;
    }
}

}  // namespace ukmon::a64
