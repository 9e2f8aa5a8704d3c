// The x86_64 kvm backend: one vCPU in long mode, guest at CPL3 (or CPL0 with --kvm-cpl0) over
// an identity map, hypercalls as `out` exits through the gate, faults reported by IDT stubs.
// The VM itself is opened as on every architecture (backends/kvm/kvm_vm.hpp).
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <vector>

#include "backends/backend.hpp"
#include "backends/kvm/gdb/gdb_session.hpp"
#include "backends/kvm/guest_ram.hpp"
#include "backends/kvm/clock_base.hpp"
#include "backends/kvm/kvm_vm.hpp"
#include "arch/x86_64/io_doorbell.hpp"
#include "arch/x86_64/kvm_exit.hpp"
#include "arch/x86_64/cpuid_prefetch.hpp"
#include "arch/x86_64/kvm_cpu_state.hpp"
#include "arch/x86_64/kvm_uapi.hpp"
#include "arch/x86_64/kvm_guest_stop.hpp"
#include "arch/x86_64/long_mode.hpp"
#include "arch/x86_64/faults.hpp"
#include "arch/x86_64/kernel_entry.hpp"
#include "monitor/error.hpp"
#include "monitor/run.hpp"
#include "monitor/sandbox/filter.hpp"
#include "monitor/sandbox/policy_print.hpp"

#include <algorithm>
#include <iterator>
#include "monitor/unique_fd.hpp"

namespace ukmon {
namespace {

using kvm::ExitEvent;

using kvm::CpuidBuffer;
using kvm::MsrBuffer;
using kvm::max_cpuid_entries;
using kvm::set_cpuid2;
using kvm::set_msrs;

using kvm::xioctl;

class KvmBackend final : public Backend {
public:
    explicit KvmBackend(const Options& o)
        : gdb_port_(o.gdb_port), cpl0_(o.kvm_cpl0), no_vif_(o.kvm_no_vif), verbose_(o.verbose) {}
    const char* name() const override { return "kvm"; }
    uint32_t abi_kind() const override { return UK_BACKEND_KVM; }
    bool gate_in_guest_memory() const override { return true; }
    bool guest_syscalls_reach_host() const override { return false; }
    bool filter_is_the_boundary() const override { return false; }
    bool monitor_writes_all_ram() const override { return true; }

    // All of guest-physical memory from 0: the monitor-private low pages hold the page
    // tables, GDT, IDT, TSS and stubs this backend builds.
    GuestMemory map_memory(uint64_t mem_size, const GuestRights& rights, bool) override {
        open_vm(mem_size);
        full_.emplace(mem_.data(), 0, mem_.size());
        for (const GuestRegion& r : rights.all())
            if (r.kind == GuestRegion::Kind::gate) gate_ = r.start;  // none for a supervisor-mode guest
        return *full_;
    }
    uint64_t gate_address() const override { return gate_; }
    Doorbells* doorbells() override { return &doorbells_; }
    uint64_t tsc_hz() const override {
        int khz = ::ioctl(vcpu_.get(), KVM_GET_TSC_KHZ, 0);
        return khz > 0 ? uint64_t(khz) * 1000 : 0;
    }
    // The guest's TSC (KVM_GET_MSRS) between two reads of the wall clock: the pair is as
    // exact as that bracket is short. A host that will not say leaves the guest its hypercall.
    ClockBase clock_base() const override {
        if (tsc_hz() == 0) return {};
        return kvm::bracketed_clock_base([&](uint64_t& tsc) {
            MsrBuffer m{1, 0, {{kvm::msr_tsc, 0, 0}}};
            if (::ioctl(vcpu_.get(), kvm::get_msrs, &m) != 1) return false;
            tsc = m.entries[0].data;
            return true;
        });
    }

    void prepare(Run&, const GuestRights& rights, const EntryState& entry) override {
        if (entry.privilege == EntryState::Privilege::kernel) return prepare_kernel(entry);
        serve_syscalls_ = entry.serve_syscalls;
        if (!gate_) throw std::logic_error("kvm: the personality's layout has no gate page");
        auto cpu = x86::build_long_mode(*full_, rights, mem_.size(), cpl0_);
        kvm::advise_huge_pages(mem_, [&](uint64_t base) { return x86::maps_large_page(base, rights); });
        set_cpuid();
        set_registers(cpu, entry);
        if (verbose_)
            std::fprintf(stderr, "ukmon: kvm: guest at CPL%u, %llu MiB, tsc %llu Hz\n", cpu.cpl,
                         (unsigned long long)(mem_.size() >> 20), (unsigned long long)tsc_hz());
        if (gdb_port_)  // break at entry: wait for gdb before anything runs or is locked down
            gdb_ = kvm::GdbSession::wait_for_debugger(*gdb_port_, vcpu_.get(), run_, *full_,
                                                      full_->sub_range(rights.all().front().start, mem_.size()));
        sandbox::install_monitor_sigsys_handler();  // a refused call after lockdown is a monitor bug
    }

    // The vCPU fd is the first free fd after stdio, /dev/kvm and the VM, but rather than
    // assume, the rules name it once it exists (-1 before, for --print-filter).
    void add_syscall_rules(SyscallPolicy& p) const override {
        add_vcpu_rules(p, vcpu_ ? vcpu_.get() : -1);
        if (serve_syscalls_) {
            ArgEquals on_vcpu{0, uint64_t(vcpu_.get()), ~0ull, "vcpu fd"};
            p.allow(__NR_ioctl, {on_vcpu, {1, KVM_SET_REGS, ~0ull, "KVM_SET_REGS"}}, "kvm",
                    "a served system call: its result, and the return to the guest");
            p.allow(__NR_ioctl, {on_vcpu, {1, KVM_SET_SREGS, ~0ull, "KVM_SET_SREGS"}}, "kvm",
                    "a served system call: back to CPL3, the guest's FS base");
        }
        if (gdb_) gdb_->add_syscall_rules(p);
        else if (gdb_port_) kvm::GdbSession::add_syscall_rules(p, -1, -1);
    }

    RunOutcome enter(Run& run) override {
        run.mark_guest_start();
        RunOutcome outcome = run_loop(run);
        kvm::read_guest_stop(vcpu_.get(), *run_, run_map_.size(), *full_, outcome);  // for --dumpcore
        if (gdb_) gdb_->on_end(outcome);
        return outcome;
    }

    bool read_stop(int signal, const void*, GuestStop& out) const override {
        if (!vcpu_ || !run_) return false;
        kvm::StopSource source{vcpu_.get(), run_, run_map_.size(), *full_};
        return kvm::read_stop_now(&source, signal, out);
    }

    static void add_vcpu_rules(SyscallPolicy& p, int vcpu_fd) {
        uint64_t fd = uint64_t(vcpu_fd);
        ArgEquals on_vcpu{0, fd, ~0ull, "vcpu fd"};
        p.allow(__NR_ioctl, {on_vcpu, {1, KVM_RUN, ~0ull, "KVM_RUN"}}, "kvm", "run the guest");
        p.allow(__NR_ioctl, {on_vcpu, {1, KVM_GET_REGS, ~0ull, "KVM_GET_REGS"}}, "kvm", "registers for a crash diagnosis");
        p.allow(__NR_ioctl, {on_vcpu, {1, KVM_GET_SREGS, ~0ull, "KVM_GET_SREGS"}}, "kvm", "CR2 for a page-fault diagnosis");
    }

private:
    // A guest that is supervisor code and brings its own descriptor tables (Solo5 hvt): flat
    // tables to start from, CPL0, and on a PVM host the VIF page that lets CPL0 run natively.
    void prepare_kernel(const EntryState& entry) {
        if (gdb_port_) throw UsageError("--gdb needs a guest that runs as user code (CPL3)");
        x86::KernelSetup k = x86::build_kernel_entry(*full_, entry.kernel_tables, mem_.size());
        kvm::advise_huge_pages(mem_, [](uint64_t) { return true; });  // flat 2 MiB pages throughout
        set_cpuid();
        kvm_sregs s{};
        xioctl(vcpu_.get(), KVM_GET_SREGS, "KVM_GET_SREGS", &s);
        s.cr0 = k.cr0;
        s.cr3 = k.cr3;
        s.cr4 = k.cr4;
        s.efer = k.efer;
        s.gdt.base = k.gdt_base;
        s.gdt.limit = k.gdt_limit;
        s.idt.base = 0;
        s.idt.limit = 0;
        s.cs = kvm::long_mode_segment(k.cs, true, 0);
        s.ss = s.ds = s.es = s.fs = s.gs = kvm::long_mode_segment(k.ds, false, 0);
        s.tr = kvm_segment{};
        s.tr.selector = k.tr;
        s.tr.base = k.tss_base;
        s.tr.limit = k.tss_limit;
        s.tr.type = 11;  // busy 64-bit TSS
        s.tr.present = 1;
        s.ldt = kvm_segment{};
        s.ldt.unusable = 1;
        xioctl(vcpu_.get(), KVM_SET_SREGS, "KVM_SET_SREGS", &s);
        bool vif = !no_vif_ && register_vif_page(entry.spare_page);
        set_entry_registers(entry, k.rflags);
        if (verbose_)
            std::fprintf(stderr, "ukmon: kvm: guest at CPL0 with its own descriptor tables, %llu MiB%s\n",
                         (unsigned long long)(mem_.size() >> 20),
                         vif ? ", PVM VIF page registered (CPL0 runs natively)" : "");
        sandbox::install_monitor_sigsys_handler();
    }

    // PVM (a software-virtualization KVM) emulates a CPL0 guest instruction by instruction
    // unless the guest has a VIF page: MSR 0x4b564d10 = page | 0x400 (bit 10: set by the
    // host), before the first KVM_RUN. Elsewhere (VT-x, SVM) the MSR is refused: no harm.
    bool register_vif_page(uint64_t page) {
        constexpr uint32_t msr_pvm_vif = 0x4b564d10;
        if (page == 0 || page % x86::page_size != 0 || page >= mem_.size()) return false;
        MsrBuffer m{1, 0, {{msr_pvm_vif, 0, page | 0x400}}};
        return ::ioctl(vcpu_.get(), set_msrs, &m) == 1;
    }

    // /dev/kvm opened before the devices, moved above the fds they take (so that those
    // are the same as without it), and the host's CPUID asked for in the background.
    void start_early() override {
        UniqueFd low(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
        if (!low) return;  // open_vm says why, in its turn
        kvm_ = UniqueFd(::fcntl(low.get(), F_DUPFD_CLOEXEC, early_fd_floor));
        if (kvm_) cpuid_.start(kvm_.get());
    }

    void open_vm(uint64_t mem_size) {
        kvm::Vm v = kvm::open_vm(mem_size, std::move(kvm_));
        kvm_ = std::move(v.kvm);
        vm_ = std::move(v.vm);
        vcpu_ = std::move(v.vcpu);
        mem_ = std::move(v.mem);
        run_map_ = std::move(v.run_map);
        run_ = v.run;
        doorbells_.set_vm(vm_.get());
    }

    // The host's CPUID, minus what a guest may not use (nested virtualization).
    void set_cpuid() {
        std::unique_ptr<CpuidBuffer> cpuid = cpuid_.take(kvm_.get());
        kvm::hide_nested_virtualization(*cpuid);
        xioctl(vcpu_.get(), set_cpuid2, "KVM_SET_CPUID2", cpuid.get());
    }

    void set_registers(const x86::CpuSetup& c, const EntryState& entry) {
        kvm_sregs s{};
        xioctl(vcpu_.get(), KVM_GET_SREGS, "KVM_GET_SREGS", &s);
        kvm::apply_cpu_setup(s, c);
        xioctl(vcpu_.get(), KVM_SET_SREGS, "KVM_SET_SREGS", &s);
        MsrBuffer msrs = kvm::syscall_msrs(c);
        if (xioctl(vcpu_.get(), set_msrs, "KVM_SET_MSRS", &msrs) != 3)
            throw HostError("KVM_SET_MSRS: not all MSRs were set", EINVAL);
        set_entry_registers(entry, c.rflags);
    }

    // Where the first guest instruction runs: rip, rsp and the boot info in rdi.
    void set_entry_registers(const EntryState& entry, uint64_t rflags) {
        kvm_regs r{};
        r.rip = entry.rip;
        r.rsp = entry.rsp;
        r.rdi = entry.arg;
        r.rflags = rflags;
        xioctl(vcpu_.get(), KVM_SET_REGS, "KVM_SET_REGS", &r);
    }

    RunOutcome run_loop(Run& run) {
        using Gdb = kvm::GdbSession;
        if (gdb_ && gdb_->start() == Gdb::Verdict::kill) return Gdb::killed_outcome();
        for (;;) {
            if (::ioctl(vcpu_.get(), KVM_RUN, 0) < 0) {
                if (errno == EINTR || errno == EAGAIN) continue;
                return RunOutcome::make(RunOutcome::Kind::host_error, "kvm: KVM_RUN failed: %s",
                                        std::strerror(errno));
            }
            const void* io_data = nullptr;
            if (run_->exit_reason == KVM_EXIT_IO) {
                uint64_t off = run_->io.data_offset;
                if (off > run_map_.size() || run_map_.size() - off < 8)
                    return RunOutcome::make(RunOutcome::Kind::host_error, "kvm: bad io data offset");
                io_data = reinterpret_cast<const std::byte*>(run_) + off;
            }
            ExitEvent e = kvm::decode_exit(*run_, io_data);
            using K = ExitEvent::Kind;
            if (e.kind == K::hypercall) {
                if (auto end = run.serve_hypercall(e.nr, e.arg)) {
                    if (end->kind == RunOutcome::Kind::crashed) return with_registers(run.image(), *end);
                    return *end;
                }
                if (gdb_ && gdb_->stepping() && gdb_->after_hypercall() == Gdb::Verdict::kill)
                    return Gdb::killed_outcome();
                continue;
            }
            if (e.kind == K::interrupted) continue;
            if (e.kind == K::syscall_insn && serve_syscalls_) {
                kvm_regs r{};
                xioctl(vcpu_.get(), KVM_GET_REGS, "KVM_GET_REGS", &r);
                if (r.rip >= gate_ && r.rip < gate_ + x86::page_size) {  // the stub, not a guest's own `out`
                    if (auto end = serve_syscall(run, r)) return *end;
                    continue;
                }
            }
            if (e.kind == K::fault && !from_fault_stub())  // a guest's own `out` to the stubs' port
                return diagnose(run.image(), RunOutcome::Kind::crashed,
                                "guest crashed: I/O to the fault-report port 0x%x from guest code", e.port);
            if (gdb_ && e.kind == K::fault) {  // a breakpoint or step resumes; a fault is shown first
                auto v = gdb_->on_fault(e.arg);
                if (v == Gdb::Verdict::resume) continue;
                if (v == Gdb::Verdict::kill) return Gdb::killed_outcome();
            }
            return diagnose_exit(run.image(), e);
        }
    }

    template <class... A>
    RunOutcome diagnose(const GuestImage& image, RunOutcome::Kind k, const char* fmt, A... args) {
        RunOutcome o = RunOutcome::make(k, fmt, args...);
        return with_registers(image, o);
    }

    // The diagnosis followed by where the vCPU is: rip (with the guest function), rsp, rdi, rsi.
    RunOutcome with_registers(const GuestImage& image, RunOutcome o) {
        kvm_regs r{};
        ::ioctl(vcpu_.get(), KVM_GET_REGS, &r);
        std::string sym = image.symbolize(r.rip);
        size_t n = std::strlen(o.diagnosis);
        std::snprintf(o.diagnosis + n, sizeof o.diagnosis - n, "\n  rip=0x%llx%s%s%s rsp=0x%llx rdi=0x%llx rsi=0x%llx",
                      (unsigned long long)r.rip, sym.empty() ? "" : " (", sym.c_str(), sym.empty() ? "" : ")",
                      (unsigned long long)r.rsp, (unsigned long long)r.rdi, (unsigned long long)r.rsi);
        return o;
    }

    // A system call of a guest whose calls the monitor serves: registers as Linux's x86_64
    // ABI has them (rdx saved in r11 by the stub), the result in rax, then back to the guest
    // after its SYSCALL at CPL3 (VT-x entered the stub at CPL0; PVM stays at CPL3).
    std::optional<RunOutcome> serve_syscall(Run& run, kvm_regs& r) {
        GuestSyscall call;
        call.nr = r.rax;
        uint64_t args[6] = {r.rdi, r.rsi, r.r11, r.r10, r.r8, r.r9};
        std::copy(std::begin(args), std::end(args), call.args);
        call.rip = r.rcx - 2;
        if (auto end = run.serve_syscall(call)) {
            if (end->kind == RunOutcome::Kind::crashed) return with_registers(run.image(), *end);
            return end;
        }
        r.rax = uint64_t(call.result);
        r.rdx = r.r11;
        r.rip = r.rcx;
        r.rflags = r.r11 = 0x2;  // as at entry (IOPL 0, no interrupts); the flags are clobbered
        xioctl(vcpu_.get(), KVM_SET_REGS, "KVM_SET_REGS", &r);
        // Whether SYSCALL left CPL3 is the host's constant behaviour: looked at once.
        if (syscall_stays_cpl3_ < 0 || syscall_stays_cpl3_ == 0 || call.set_fs) {
            kvm_sregs s{};
            xioctl(vcpu_.get(), KVM_GET_SREGS, "KVM_GET_SREGS", &s);
            if (syscall_stays_cpl3_ < 0) syscall_stays_cpl3_ = s.cs.dpl == 3;
            bool change = call.set_fs;
            if (call.set_fs) s.fs.base = call.fs_base;
            if (s.cs.dpl != 3) {
                s.cs = kvm::long_mode_segment(x86::user_cs, true, 3);
                s.ss = kvm::long_mode_segment(x86::user_ds, false, 3);
                change = true;
            }
            if (change) xioctl(vcpu_.get(), KVM_SET_SREGS, "KVM_SET_SREGS", &s);
        }
        return std::nullopt;
    }

    // Whether a fault report comes from the monitor's stubs (supervisor code a CPL3 guest
    // cannot run), not from a guest forging one with its own `out`.
    bool from_fault_stub() {
        kvm_regs r{};
        if (::ioctl(vcpu_.get(), KVM_GET_REGS, &r) != 0) return false;
        return r.rip >= x86::stubs_gpa && r.rip < x86::stubs_gpa + x86::page_size;
    }

    RunOutcome diagnose_fault(const GuestImage& image, uint64_t frame_gpa) {
        auto frame = full_->try_span(frame_gpa, sizeof(x86::FaultFrame));
        if (!frame)  // only a CPL0 guest (--kvm-cpl0) can get here with a bad frame
            return RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: a fault report names a frame at 0x%llx, outside guest memory",
                                    (unsigned long long)frame_gpa);
        x86::FaultFrame f;
        std::memcpy(&f, frame->data(), sizeof f);
        kvm_sregs s{};
        ::ioctl(vcpu_.get(), KVM_GET_SREGS, &s);
        return x86::describe_fault({f.vector, f.error_code, s.cr2, f.rip, f.rsp}, image);
    }

    RunOutcome diagnose_internal_error(const GuestImage& image) {
        kvm_regs r{};
        ::ioctl(vcpu_.get(), KVM_GET_REGS, &r);
        char bytes[64] = "unreadable";
        if (auto code = full_->try_span(r.rip, 15)) {
            int n = 0;
            for (std::byte b : *code) n += std::snprintf(bytes + n, sizeof bytes - size_t(n), "%02x ", unsigned(b));
        }
        std::string sym = image.symbolize(r.rip);
        return RunOutcome::make(RunOutcome::Kind::host_error,
                                "kvm: KVM_EXIT_INTERNAL_ERROR suberror %u at rip=0x%llx%s%s%s\n"
                                "  instruction bytes: %s\n"
                                "  (a host that emulates CPL0 guests may not emulate every instruction, e.g. SSE)",
                                run_->internal.suberror, (unsigned long long)r.rip, sym.empty() ? "" : " (",
                                sym.c_str(), sym.empty() ? "" : ")", bytes);
    }

    RunOutcome diagnose_exit(const GuestImage& image, const ExitEvent& e) {
        using K = ExitEvent::Kind;
        using RK = RunOutcome::Kind;
        switch (e.kind) {
            case K::fault: return diagnose_fault(image, e.arg);
            case K::bad_gate_call: {
                kvm_regs r{};
                ::ioctl(vcpu_.get(), KVM_GET_REGS, &r);
                if (r.rdi >= UK_HC_MAX)
                    return RunOutcome::make(RK::crashed, "guest crashed: unknown hypercall number %llu",
                                            (unsigned long long)r.rdi);
                return RunOutcome::make(RK::crashed,
                                        "guest crashed: hypercall %s: argument address 0x%llx is outside guest memory",
                                        hypercall_name(r.rdi), (unsigned long long)r.rsi);
            }
            case K::syscall_insn: {
                kvm_regs r{};
                ::ioctl(vcpu_.get(), KVM_GET_REGS, &r);
                char sym[160];
                x86::format_symbol(sym, sizeof sym, r.rcx - 2, image);  // rcx: after the 2-byte SYSCALL
                return RunOutcome::make(RK::crashed,
                                        "guest crashed: system call instruction, number %llu (%s); a unikernel has no kernel, use hypercalls\n  rip=0x%llx%s",
                                        (unsigned long long)e.arg, syscall_name(int(e.arg)),
                                        (unsigned long long)(r.rcx - 2), sym);
            }
            case K::unknown_port:
                return diagnose(image, RK::crashed, "guest crashed: I/O to unknown port 0x%x", e.port);
            case K::halt_insn:
                return diagnose(image, RK::crashed, "guest crashed: executed HLT (use the halt hypercall)");
            case K::shutdown:
                return diagnose(image, RK::crashed, "guest crashed: triple fault (KVM_EXIT_SHUTDOWN)");
            case K::fail_entry:
                return RunOutcome::make(RK::host_error, "kvm: VM entry failed, hardware reason 0x%llx",
                                        (unsigned long long)e.code);
            case K::internal_error: return diagnose_internal_error(image);
            case K::mmio:
                return diagnose(image, RK::crashed, "guest crashed: access to 0x%llx outside guest memory",
                                (unsigned long long)e.arg);
            default:
                return RunOutcome::make(RK::host_error, "kvm: unexpected exit %s (%llu)",
                                        kvm::exit_reason_name(uint32_t(e.code)), (unsigned long long)e.code);
        }
    }

    std::optional<uint16_t> gdb_port_;
    bool cpl0_, no_vif_, verbose_;
    std::unique_ptr<kvm::GdbSession> gdb_;  // --gdb, once gdb has connected
    // Where start_early puts /dev/kvm: above what a run's devices take (a few fds each).
    static constexpr int early_fd_floor = 64;
    UniqueFd kvm_, vm_, vcpu_;
    kvm::CpuidPrefetch cpuid_;
    Mapping mem_, run_map_;
    std::optional<GuestMemory> full_;  // all of guest memory, from 0
    kvm::PioDoorbells doorbells_;      // KVM_IOEVENTFD ports for modules' I/O threads
    uint64_t gate_ = 0;                // the gate page's address (the personality's layout)
    bool serve_syscalls_ = false;      // EntryState::serve_syscalls
    int syscall_stays_cpl3_ = -1;      // -1 unknown; PVM: 1, VT-x: 0
    kvm_run* run_ = nullptr;
};

}  // namespace

std::unique_ptr<Backend> make_kvm_backend(const Options& options) { return std::make_unique<KvmBackend>(options); }

}  // namespace ukmon
