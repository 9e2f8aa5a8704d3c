// The guest's registers at the end of a kvm run (see kvm_guest_stop.hpp).
#include "arch/x86_64/kvm_guest_stop.hpp"

#include <sys/ioctl.h>

#include <csignal>
#include <cstring>

#include "arch/x86_64/kvm_exit.hpp"
#include "arch/x86_64/long_mode.hpp"

namespace ukmon::kvm {
namespace {

x86::Registers from_vcpu(const kvm_regs& r, const kvm_sregs& s) {
    x86::Registers g{};
    g.rax = r.rax; g.rbx = r.rbx; g.rcx = r.rcx; g.rdx = r.rdx;
    g.rsi = r.rsi; g.rdi = r.rdi; g.rbp = r.rbp; g.rsp = r.rsp;
    g.r8 = r.r8; g.r9 = r.r9; g.r10 = r.r10; g.r11 = r.r11;
    g.r12 = r.r12; g.r13 = r.r13; g.r14 = r.r14; g.r15 = r.r15;
    g.rip = r.rip; g.rflags = r.rflags;
    g.cs = s.cs.selector; g.ss = s.ss.selector; g.ds = s.ds.selector;
    g.es = s.es.selector; g.fs = s.fs.selector; g.gs = s.gs.selector;
    g.fs_base = s.fs.base; g.gs_base = s.gs.base;
    return g;
}

bool read_u64(const GuestMemory& mem, uint64_t gpa, uint64_t& out) {
    auto bytes = mem.try_span(gpa, sizeof out);
    if (!bytes) return false;
    std::memcpy(&out, bytes->data(), sizeof out);
    return true;
}

// `halted`: the run ended by the halt hypercall; `signal`: for a stop the last exit does not
// explain by itself (a fault, a SYSCALL and a refused hypercall set their own).
bool guest_stop(int vcpu_fd, const kvm_run& run, size_t run_size, const GuestMemory& full, bool halted,
                int signal, GuestStop& stop) {
    kvm_regs r{};
    kvm_sregs s{};
    if (::ioctl(vcpu_fd, KVM_GET_REGS, &r) != 0 || ::ioctl(vcpu_fd, KVM_GET_SREGS, &s) != 0) return false;
    stop = GuestStop{};
    stop.known = true;
    stop.regs = from_vcpu(r, s);
    stop.signal = signal;
    x86::Registers& g = stop.regs;

    const void* io_data = nullptr;
    if (run.exit_reason == KVM_EXIT_IO) {
        uint64_t off = run.io.data_offset;
        if (off > run_size || run_size - off < 8) return true;  // the vCPU's registers as they are
        io_data = reinterpret_cast<const std::byte*>(&run) + off;
    }
    using K = ExitEvent::Kind;
    ExitEvent e = decode_exit(run, io_data);
    switch (e.kind) {
        case K::fault: {
            auto frame = full.try_span(e.arg, sizeof(x86::FaultFrame));
            if (!frame) break;
            x86::FaultFrame f;
            std::memcpy(&f, frame->data(), sizeof f);
            g.rip = f.rip;
            g.cs = f.cs;
            g.rflags = f.rflags;
            g.rsp = f.rsp;
            g.ss = f.ss;
            read_u64(full, e.arg - x86::fault_saved_rax_offset, g.rax);
            read_u64(full, e.arg - x86::fault_saved_rdx_offset, g.rdx);
            stop.signal = x86::signal_for_vector(f.vector);
            break;
        }
        case K::hypercall:
        case K::bad_gate_call:  // the gate runs on the guest's stack: the return address is on top
            if (!read_u64(full, r.rsp, g.rip)) g.rip = 0;
            g.rsp = r.rsp + 8;
            stop.in_hypercall = e.kind == K::hypercall;
            if (!halted && signal == SIGSEGV) stop.signal = SIGABRT;  // refused by the monitor: an ABI violation
            break;
        case K::syscall_insn:
            g.rip = r.rcx - 2;  // SYSCALL is 2 bytes; rcx holds the address after it
            g.rflags = r.r11;
            stop.signal = SIGSYS;
            break;
        default: break;  // HLT, triple fault, MMIO, unknown port, an interrupted KVM_RUN: as they are
    }
    return true;
}

}  // namespace

void read_guest_stop(int vcpu_fd, const kvm_run& run, size_t run_size, const GuestMemory& full, RunOutcome& o) {
    bool halted = o.kind == RunOutcome::Kind::halted;
    GuestStop stop;
    if (guest_stop(vcpu_fd, run, run_size, full, halted, halted ? 0 : SIGSEGV, stop)) o.stop = stop;
}

bool read_stop_now(void* arg, int signal, GuestStop& out) {
    const auto* s = static_cast<const StopSource*>(arg);
    return guest_stop(s->vcpu_fd, *s->run, s->run_size, s->full, false, signal, out);
}

}  // namespace ukmon::kvm
