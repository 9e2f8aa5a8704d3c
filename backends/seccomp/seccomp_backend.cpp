// The seccomp backend (Nabla's "unikernels as processes"): the guest runs in this process
// at its linked addresses, behind a filter of a handful of system calls. Hypercalls are
// plain function calls through ukmon_seccomp_gate.
#include <sys/mman.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include <sys/syscall.h>

#include "arch/native.hpp"
#include "backends/backend.hpp"
#include "backends/seccomp/guest_stop.hpp"
#include "backends/seccomp/process_state.hpp"
#include "monitor/error.hpp"
#include "monitor/run.hpp"
#include "monitor/sandbox/filter.hpp"

extern "C" {
void ukmon_seccomp_gate(uint64_t nr, uint64_t arg);
[[noreturn]] void ukmon_seccomp_enter(uint64_t entry, uint64_t stack_top, uint64_t boot_info);
uint64_t ukmon_seccomp_stack_top;  // read by the gate: the monitor stack for dispatch
}

namespace ukmon::seccomp {

ProcessState state;

namespace {

constexpr size_t dispatch_stack_size = 256 * 1024;
constexpr uint64_t page = 4096;

uint64_t page_up(uint64_t v) { return (v + page - 1) & ~(page - 1); }

void protect(uint64_t from, uint64_t to, int prot) {
    if (from < to && ::mprotect(reinterpret_cast<void*>(from), to - from, prot) != 0)
        throw_errno("mprotect of guest memory");
}

class SeccompBackend final : public Backend {
public:
    explicit SeccompBackend(const Options& o) : verbose_(o.verbose) {
        if (o.gdb_port)
            throw UsageError("--gdb needs the kvm backend; under seccomp the guest is an ordinary process: "
                             "debug it with plain gdb (see docs/debugging.md)");
    }
    const char* name() const override { return "seccomp"; }
    uint32_t abi_kind() const override { return UK_BACKEND_SECCOMP; }
    bool gate_in_guest_memory() const override { return false; }
    bool guest_syscalls_reach_host() const override { return true; }
    bool filter_is_the_boundary() const override { return true; }
    bool monitor_writes_all_ram() const override { return false; }

    // Guest memory at the guest's own addresses, from its lowest region to the end. The
    // monitor is static-PIE and lives high, so the low 4 GiB are free. Shared when a
    // guardian (monitor/guardian.hpp) needs the guest's memory after its process is gone;
    // private otherwise, so that gdb can place breakpoints in the read-only text.
    GuestMemory map_memory(uint64_t mem_size, const GuestRights& rights, bool shared) override {
        low_ = rights.all().front().start;
        void* want = reinterpret_cast<void*>(low_);
        void* got = ::mmap(want, mem_size - low_, PROT_READ | PROT_WRITE,
                           (shared ? MAP_SHARED : MAP_PRIVATE) | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE,
                           -1, 0);
        if (got == MAP_FAILED) throw_errno("mapping guest memory at its guest addresses");
        if (got != want) {
            ::munmap(got, mem_size - low_);
            throw HostError("guest memory range is taken in this process", EEXIST);
        }
        end_ = mem_size;
        return GuestMemory(static_cast<std::byte*>(got), low_, mem_size);
    }
    uint64_t gate_address() const override { return reinterpret_cast<uint64_t>(&ukmon_seccomp_gate); }
    uint64_t tsc_hz() const override { return 0; }  // the guest asks walltime (a cheap call here)

    void prepare(Run& run, const GuestRights& rights, const EntryState& entry) override {
        if (entry.privilege != EntryState::Privilege::user)
            throw UsageError("this guest runs as supervisor code: it needs --backend=kvm");
        apply_rights(rights);
        arch::record_thread_pointer();
        void* stack = ::mmap(nullptr, dispatch_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack == MAP_FAILED) throw_errno("mmap of the dispatch stack");
        ukmon_seccomp_stack_top = reinterpret_cast<uint64_t>(stack) + dispatch_stack_size;
        state = ProcessState{&run};
        entry_ = entry;
        install_signal_handlers();
        if (verbose_)
            std::fprintf(stderr, "ukmon: seccomp: guest in-process at 0x%llx..0x%llx\n", (unsigned long long)low_,
                         (unsigned long long)end_);
    }

    void add_syscall_rules(SyscallPolicy& p) const override {
        // Nothing beyond the core's: the gate is a function call, the signal handlers end
        // the process through Run::conclude and never return (no rt_sigreturn). If the
        // policy lets the guest set its FS base, they put the monitor's back first (with
        // that same call).
        for (const SyscallRule& r : p.rules())
            if (r.nr == arch::set_thread_pointer_syscall) restore_fs_ = true;
    }

    void print_filter_extra(std::FILE* out, const SyscallPolicy& policy) const override {
        std::fprintf(out, "# The BPF program, as libseccomp renders it (default action TRAP: SIGSYS names the call):\n");
        sandbox::print_pfc(out, policy);
    }

    RunOutcome enter(Run& run) override {
        if (restore_fs_) arch::arm_thread_pointer_restore();
        state.in_monitor = false;
        run.mark_guest_start();
        ukmon_seccomp_enter(entry_.rip, entry_.rsp, entry_.arg);
    }

    bool read_stop(int signal, const void* ucontext, GuestStop& out) const override {
        return read_stop_now(signal, ucontext, out);
    }

private:
    // W^X like the kvm page tables: each region of the guest's rights with its own
    // protection; what lies between them (holes, the stack guard page) inaccessible.
    void apply_rights(const GuestRights& rights) {
        uint64_t at = low_;
        for (const GuestRegion& g : rights.all()) {
            protect(at, g.start, PROT_NONE);
            protect(g.start, page_up(g.end),
                    (g.read ? PROT_READ : 0) | (g.write ? PROT_WRITE : 0) | (g.exec ? PROT_EXEC : 0));
            at = page_up(g.end);
        }
        protect(at, end_, PROT_NONE);
    }

    bool verbose_;
    mutable bool restore_fs_ = false;  // set while the policy is built (add_syscall_rules)
    uint64_t low_ = 0, end_ = 0;
    EntryState entry_;
};

}  // namespace
}  // namespace ukmon::seccomp

namespace ukmon {
std::unique_ptr<Backend> make_seccomp_backend(const Options& o) { return std::make_unique<seccomp::SeccompBackend>(o); }
}  // namespace ukmon

// Called by ukmon_seccomp_gate on the monitor's stack, inside the filter.
namespace {

// The hypercall's work, in a frame of its own: the outcome it may hold is large, and where a
// function's prologue stores at the bottom of its frame (aarch64), a dispatch stack the guest
// broke would fault before in_monitor says whose the fault is.
[[gnu::noinline]] void serve_at_gate(uint64_t nr, uint64_t arg) {
    using namespace ukmon;
    auto& s = seccomp::state;
    if (auto end = s.run->serve_hypercall(nr, arg)) {
        int signal = end->kind == RunOutcome::Kind::halted ? 0 : SIGABRT;  // SIGABRT: an ABI violation
        if (end->kind == RunOutcome::Kind::host_error) s.run->conclude(*end);
        seccomp::conclude_at_gate(*end, signal);
    }
}

}  // namespace

extern "C" void ukmon_seccomp_dispatch(uint64_t nr, uint64_t arg) {
    ukmon::seccomp::state.in_monitor = true;
    serve_at_gate(nr, arg);
    ukmon::seccomp::state.in_monitor = false;
}
