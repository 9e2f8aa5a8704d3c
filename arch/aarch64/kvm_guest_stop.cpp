// The guest's registers at the end of an aarch64 kvm run (see kvm_guest_stop.hpp).
#include "arch/aarch64/kvm_guest_stop.hpp"

#include <csignal>
#include <cstddef>

#include "arch/aarch64/el0_layout.hpp"
#include "arch/aarch64/exception_syndrome.hpp"
#include "arch/aarch64/kvm_exit.hpp"
#include "arch/aarch64/kvm_regs.hpp"

namespace ukmon::a64 {
namespace {

constexpr uint64_t reg_spsr_el1 = core_reg(offsetof(kvm_regs, spsr));  // spsr[KVM_SPSR_EL1], index 0
constexpr uint64_t reg_tpidr_el0 = ARM64_SYS_REG(3, 3, 13, 0, 2);

}  // namespace

bool read_guest_stop(int vcpu_fd, const kvm_run& run, uint64_t gate, bool halted, int signal, GuestStop& stop) {
    Registers g{};
    for (unsigned i = 0; i < 31; ++i)
        if (!get_reg(vcpu_fd, reg_x(i), g.x[i])) return false;
    if (!get_reg(vcpu_fd, reg_sp_el0, g.sp) || !get_reg(vcpu_fd, reg_pc, g.pc) || !get_reg(vcpu_fd, reg_pstate, g.pstate))
        return false;
    g.tpidr_el0 = get_reg_or_zero(vcpu_fd, reg_tpidr_el0);
    stop = GuestStop{};
    stop.known = true;
    stop.signal = signal;
    using K = ExitEvent::Kind;
    ExitEvent e = decode_exit(run);
    const bool in_vectors = (g.pstate & pstate_mode_mask) == pstate_el1h && g.pc >= vectors_gpa && g.pc < vectors_gpa + page_size;
    const bool in_gate = (g.pstate & pstate_mode_mask) == 0 && g.pc >= gate && g.pc < gate + page_size;
    if (e.kind == K::fault && in_vectors) {
        VectorReport f;
        f.vector = unsigned(e.nr);
        f.esr = get_reg_or_zero(vcpu_fd, reg_esr_el1);
        g.x[0] = get_reg_or_zero(vcpu_fd, reg_tpidr_el1);
        g.pc = get_reg_or_zero(vcpu_fd, reg_elr_el1);
        g.pstate = get_reg_or_zero(vcpu_fd, reg_spsr_el1);
        stop.signal = signal_for_report(f);
    } else if ((e.kind == K::hypercall || e.kind == K::bad_gate_call) && in_gate) {
        g.pc = g.x[30];  // the gate is a leaf function called with blr: back at the caller
        stop.in_hypercall = e.kind == K::hypercall;
        if (!halted && signal == SIGSEGV) stop.signal = SIGABRT;  // refused by the monitor: an ABI violation
    }
    stop.regs = g;
    return true;
}

}  // namespace ukmon::a64
