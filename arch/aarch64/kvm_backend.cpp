// The aarch64 kvm backend: one vCPU (the host's preferred target), the guest at EL0 on stage-1
// tables the monitor builds from its rights, hypercalls as stores to an unbacked MMIO window
// (KVM_EXIT_MMIO), faults reported by EL1 vectors through a second, EL1-only window. The VM
// is opened as on every architecture (backends/kvm/kvm_vm.hpp); docs/architecture.md has the
// layout and the choices.
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>

#include "arch/aarch64/el0_layout.hpp"
#include "arch/aarch64/exception_syndrome.hpp"
#include "arch/aarch64/kvm_exit.hpp"
#include "arch/aarch64/kvm_guest_stop.hpp"
#include "arch/aarch64/kvm_regs.hpp"
#include "backends/backend.hpp"
#include "backends/kvm/kvm_exit.hpp"
#include "backends/kvm/clock_base.hpp"
#include "backends/kvm/kvm_vm.hpp"
#include "monitor/error.hpp"
#include "monitor/run.hpp"
#include "monitor/sandbox/filter.hpp"
#include "monitor/sandbox/policy_print.hpp"

namespace ukmon {
namespace {

using a64::ExitEvent;
using kvm::xioctl;

class KvmBackend final : public Backend {
public:
    explicit KvmBackend(const Options& o) : verbose_(o.verbose) {
        if (o.gdb_port) throw UsageError("--gdb: the aarch64 kvm backend has no GDB stub yet");
        if (o.kvm_cpl0) throw UsageError("--kvm-cpl0 is x86_64 only (the aarch64 guest runs at EL0)");
    }
    const char* name() const override { return "kvm"; }
    uint32_t abi_kind() const override { return UK_BACKEND_KVM; }
    bool gate_in_guest_memory() const override { return true; }
    bool guest_syscalls_reach_host() const override { return false; }
    bool filter_is_the_boundary() const override { return false; }
    bool monitor_writes_all_ram() const override { return true; }

    GuestMemory map_memory(uint64_t mem_size, const GuestRights& rights, bool) override {
        if (mem_size > a64::max_guest_memory)
            throw UsageError("the aarch64 kvm backend takes at most 4 GiB of guest memory (--mem)");
        vm_ = kvm::open_vm(mem_size);
        init_vcpu();
        full_.emplace(vm_.mem.data(), 0, vm_.mem.size());
        for (const GuestRegion& r : rights.all())
            if (r.kind == GuestRegion::Kind::gate) gate_ = r.start;
        return *full_;
    }
    uint64_t gate_address() const override { return gate_; }
    // The generic timer's frequency: the guest reads CNTVCT_EL0 at EL0 (CNTKCTL_EL1.EL0VCTEN),
    // so the boot info's clock rate is the counter's, as the TSC's on x86_64.
    uint64_t tsc_hz() const override {
        uint64_t hz;
        asm volatile("mrs %0, cntfrq_el0" : "=r"(hz));
        return hz;
    }
    // The guest's virtual counter (KVM_REG_ARM_TIMER_CNT: CNTVCT_EL0 as the guest reads it)
    // between two reads of the wall clock, for a wall clock without an exit.
    ClockBase clock_base() const override {
        if (tsc_hz() == 0) return {};
        return kvm::bracketed_clock_base(
            [&](uint64_t& cnt) { return a64::get_reg(vm_.vcpu.get(), KVM_REG_ARM_TIMER_CNT, cnt); });
    }

    void prepare(Run&, const GuestRights& rights, const EntryState& entry) override {
        if (entry.privilege == EntryState::Privilege::kernel)
            throw UsageError("kvm on aarch64 runs user-mode guests only (EL0); this guest wants EL1");
        if (entry.serve_syscalls)
            throw UsageError("kvm on aarch64 does not serve a guest's system calls (use --backend=seccomp)");
        if (!gate_) throw std::logic_error("kvm: the personality's layout has no gate page");
        a64::El1Setup s = a64::build_el0_setup(*full_, rights, vm_.mem.size());
        const int fd = vm_.vcpu.get();
        const std::pair<uint64_t, uint64_t> regs[] = {
            {a64::reg_sctlr_el1, s.sctlr}, {a64::reg_tcr_el1, s.tcr},     {a64::reg_mair_el1, s.mair},
            {a64::reg_ttbr0_el1, s.ttbr0}, {a64::reg_vbar_el1, s.vbar},   {a64::reg_cntkctl_el1, s.cntkctl},
            {a64::reg_cpacr_el1, s.cpacr}, {a64::reg_pstate, s.pstate},   {a64::reg_pc, entry.rip},
            {a64::reg_sp_el0, entry.rsp},  {a64::reg_x(0), entry.arg},
        };
        for (auto [id, value] : regs)
            if (!a64::set_reg(fd, id, value)) throw_errno("KVM_SET_ONE_REG");
        if (verbose_)
            std::fprintf(stderr, "ukmon: kvm: guest at EL0, %llu MiB, counter %llu Hz\n",
                         (unsigned long long)(vm_.mem.size() >> 20), (unsigned long long)tsc_hz());
        sandbox::install_monitor_sigsys_handler();  // a refused call after lockdown is a monitor bug
    }

    void add_syscall_rules(SyscallPolicy& p) const override {
        ArgEquals on_vcpu{0, uint64_t(vm_.vcpu ? vm_.vcpu.get() : -1), ~0ull, "vcpu fd"};
        p.allow(__NR_ioctl, {on_vcpu, {1, KVM_RUN, ~0ull, "KVM_RUN"}}, "kvm", "run the guest");
        p.allow(__NR_ioctl, {on_vcpu, {1, KVM_GET_ONE_REG, ~0ull, "KVM_GET_ONE_REG"}}, "kvm",
                "ESR/FAR/ELR and registers for a crash diagnosis");
    }

    RunOutcome enter(Run& run) override {
        run.mark_guest_start();
        RunOutcome outcome = run_loop(run);
        bool halted = outcome.kind == RunOutcome::Kind::halted;
        GuestStop stop;  // for --dumpcore
        if (a64::read_guest_stop(vm_.vcpu.get(), *vm_.run, gate_, halted, halted ? 0 : SIGSEGV, stop)) outcome.stop = stop;
        return outcome;
    }

    bool read_stop(int signal, const void*, GuestStop& out) const override {
        if (!vm_.vcpu || !vm_.run) return false;
        return a64::read_guest_stop(vm_.vcpu.get(), *vm_.run, gate_, false, signal, out);
    }

private:
    // The host's preferred CPU model with PSCI 0.2 (only EL1 could call it; our guest is at
    // EL0). NISV to user: a store KVM cannot decode ends the run with a name, not -ENOSYS.
    void init_vcpu() {
        kvm_vcpu_init init{};
        xioctl(vm_.vm.get(), KVM_ARM_PREFERRED_TARGET, "KVM_ARM_PREFERRED_TARGET", &init);
        init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
        xioctl(vm_.vcpu.get(), KVM_ARM_VCPU_INIT, "KVM_ARM_VCPU_INIT", &init);
        kvm_enable_cap cap{};
        cap.cap = KVM_CAP_ARM_NISV_TO_USER;
        (void)::ioctl(vm_.vm.get(), KVM_ENABLE_CAP, &cap);  // best effort: older hosts lack it
    }

    RunOutcome run_loop(Run& run) {
        using K = ExitEvent::Kind;
        for (;;) {
            if (::ioctl(vm_.vcpu.get(), KVM_RUN, 0) < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                return diagnose(run.image(), RunOutcome::Kind::host_error, "kvm: KVM_RUN failed: %s",
                                std::strerror(errno));
            }
            ExitEvent e = a64::decode_exit(*vm_.run);
            if (e.kind == K::interrupted) continue;
            if (e.kind == K::hypercall) {
                if (auto end = run.serve_hypercall(e.nr, e.arg)) {
                    if (end->kind == RunOutcome::Kind::crashed) return with_registers(run.image(), *end);
                    return *end;
                }
                continue;
            }
            return diagnose_exit(run.image(), e);
        }
    }

    template <class... A>
    RunOutcome diagnose(const GuestImage& image, RunOutcome::Kind k, const char* fmt, A... args) {
        return with_registers(image, RunOutcome::make(k, fmt, args...));
    }

    // The diagnosis followed by where the vCPU is: pc (with the guest function), sp, x0, x1.
    RunOutcome with_registers(const GuestImage& image, RunOutcome o) {
        const int fd = vm_.vcpu.get();
        uint64_t pc = a64::get_reg_or_zero(fd, a64::reg_pc);
        char sym[160] = "";
        if (const GuestSymbol* f = image.function_at(pc))
            std::snprintf(sym, sizeof sym, " (%s+0x%llx)", f->name.c_str(), (unsigned long long)(pc - f->addr));
        size_t n = std::strlen(o.diagnosis);
        std::snprintf(o.diagnosis + n, sizeof o.diagnosis - n, "\n  pc=0x%llx%s sp=0x%llx x0=0x%llx x1=0x%llx",
                      (unsigned long long)pc, sym, (unsigned long long)a64::get_reg_or_zero(fd, a64::reg_sp_el0),
                      (unsigned long long)a64::get_reg_or_zero(fd, a64::reg_x(0)),
                      (unsigned long long)a64::get_reg_or_zero(fd, a64::reg_x(1)));
        return o;
    }

    // A report from the vectors: only EL1 can store to the fault window (its stage-1 entry
    // is EL1-only), and the vCPU must be in EL1 now, inside the vectors' page.
    RunOutcome diagnose_fault(const GuestImage& image, const ExitEvent& e) {
        const int fd = vm_.vcpu.get();
        uint64_t pstate = 0, pc = 0;
        if (!a64::get_reg(fd, a64::reg_pstate, pstate) || !a64::get_reg(fd, a64::reg_pc, pc))
            return RunOutcome::make(RunOutcome::Kind::host_error, "kvm: KVM_GET_ONE_REG failed: %s", std::strerror(errno));
        if ((pstate & a64::pstate_mode_mask) != a64::pstate_el1h || pc < a64::vectors_gpa ||
            pc >= a64::vectors_gpa + a64::page_size)
            return diagnose(image, RunOutcome::Kind::crashed,
                            "guest crashed: a fault report from outside the monitor's vectors (pstate 0x%llx)",
                            (unsigned long long)pstate);
        a64::VectorReport f;
        f.vector = unsigned(e.nr);
        f.esr = a64::get_reg_or_zero(fd, a64::reg_esr_el1);
        f.far = a64::get_reg_or_zero(fd, a64::reg_far_el1);
        f.elr = a64::get_reg_or_zero(fd, a64::reg_elr_el1);
        f.sp_el0 = a64::get_reg_or_zero(fd, a64::reg_sp_el0);
        f.x8 = a64::get_reg_or_zero(fd, a64::reg_x(8));
        return a64::describe_vector_report(f, image, a64::is_svc(f) ? syscall_name(int(f.x8)) : nullptr);
    }

    RunOutcome diagnose_exit(const GuestImage& image, const ExitEvent& e) {
        using K = ExitEvent::Kind;
        using RK = RunOutcome::Kind;
        switch (e.kind) {
            case K::fault: return diagnose_fault(image, e);
            case K::bad_gate_call:
                return diagnose(image, RK::crashed, "guest crashed: unknown hypercall number %llu",
                                (unsigned long long)e.nr);
            case K::window_misuse:
                return diagnose(image, RK::crashed,
                                "guest crashed: a %u-byte %s at 0x%llx in the monitor's window (only the gate's stores are hypercalls)",
                                e.len, e.write ? "write" : "read", (unsigned long long)e.addr);
            case K::outside_memory:
                return diagnose(image, RK::crashed, "guest crashed: access to 0x%llx outside guest memory",
                                (unsigned long long)e.addr);
            case K::undecodable:
                return diagnose(image, RK::crashed,
                                "guest crashed: an access to 0x%llx that KVM cannot decode (a load/store pair or writeback outside memory)",
                                (unsigned long long)e.addr);
            case K::system_event:
                return diagnose(image, RK::crashed, "guest crashed: system event %llu (PSCI power-off or reset) without the halt hypercall",
                                (unsigned long long)e.code);
            case K::fail_entry:
                return RunOutcome::make(RK::host_error, "kvm: VM entry failed, reason 0x%llx", (unsigned long long)e.code);
            case K::internal_error:
                return diagnose(image, RK::host_error, "kvm: KVM_EXIT_INTERNAL_ERROR suberror %llu", (unsigned long long)e.code);
            default:
                return diagnose(image, RK::host_error, "kvm: unexpected exit %s (%llu)",
                                kvm::exit_reason_name(uint32_t(e.code)), (unsigned long long)e.code);
        }
    }

    bool verbose_;
    kvm::Vm vm_;
    std::optional<GuestMemory> full_;  // all of guest memory, from 0
    uint64_t gate_ = 0;                // the gate page's address (the personality's layout)
};

}  // namespace

std::unique_ptr<Backend> make_kvm_backend(const Options& options) { return std::make_unique<KvmBackend>(options); }

}  // namespace ukmon
