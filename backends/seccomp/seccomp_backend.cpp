// The seccomp backend (Nabla's "unikernels as processes"): the guest runs in this process
// at its linked addresses, behind a filter of a handful of system calls. Hypercalls are
// plain function calls through ukmon_seccomp_gate.
#include <sys/mman.h>
#include <ucontext.h>

#include <csignal>
#include <cstdio>
#include <cstring>

#include "backends/backend.hpp"
#include "monitor/sandbox/filter.hpp"
#include "backends/seccomp/guest_stop.hpp"
#include "backends/seccomp/process_state.hpp"
#include "monitor/abi/ukmon/boot_info.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_actions.hpp"
#include "monitor/exit_plan.hpp"
#include "monitor/stats.hpp"
#include "monitor/guest_access.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "monitor/sandbox/policy_print.hpp"
#include "monitor/timeout.hpp"

extern "C" {
void ukmon_seccomp_gate(uint64_t nr, uint64_t arg);
[[noreturn]] void ukmon_seccomp_enter(uint64_t entry, uint64_t stack_top, uint64_t boot_info);
uint64_t ukmon_seccomp_stack_top;  // read by the gate: the monitor stack for dispatch
}

namespace ukmon::seccomp {

ProcessState state;

namespace {

constexpr size_t dispatch_stack_size = 256 * 1024;

// Guest memory at the guest's own addresses: [boot_area, mem_size) of this process. The
// monitor is static-PIE and lives high, so the low 4 GiB are free.
std::byte* map_guest_memory(uint64_t mem_size) {
    uint64_t low = layout::guest_visible_low;
    void* want = reinterpret_cast<void*>(low);
    void* got = ::mmap(want, mem_size - low, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == MAP_FAILED) throw_errno("mapping guest memory at its guest addresses");
    if (got != want) {
        ::munmap(got, mem_size - low);
        throw HostError("guest memory range is taken in this process", EEXIST);
    }
    return static_cast<std::byte*>(got);
}

// --timeout's diagnosis: the guest's rip, when the timer interrupted guest code.
bool guest_rip(const void* uctx, void*, uint64_t& rip) {
    note_timer_context(uctx);  // for --dumpcore (guest_stop.hpp)
    rip = uint64_t(static_cast<const ucontext_t*>(uctx)->uc_mcontext.gregs[REG_RIP]);
    return !state.in_monitor;
}

void protect(uint64_t from, uint64_t to, int prot) {
    from &= ~(layout::page - 1);
    to = layout::page_up(to);
    if (from < to && ::mprotect(reinterpret_cast<void*>(from), to - from, prot) != 0)
        throw_errno("mprotect of guest memory");
}

// W^X like the kvm page tables: text R+X, rodata R, data R+W, heap and stack R+W, the
// boot info read-only, holes and the stack guard page inaccessible.
void apply_protections(const GuestImage& img, uint64_t mem_size) {
    auto r = layout::regions(img.image_end, mem_size);
    protect(layout::boot_area, layout::boot_area_end, PROT_READ);
    protect(layout::gate_page, r.heap_start, PROT_NONE);  // the gate lives in the monitor here
    for (const Segment& s : img.segments)
        protect(s.vaddr, s.vaddr + s.memsz,
                (s.readable ? PROT_READ : 0) | (s.writable ? PROT_WRITE : 0) | (s.executable ? PROT_EXEC : 0));
    protect(r.heap_end, r.stack_low, PROT_NONE);
}

class SeccompBackend final : public Backend {
public:
    const char* name() const override { return "seccomp"; }

    void add_syscall_rules(SyscallPolicy&) const override {
        // Nothing beyond the core's: the gate is a function call, the signal handlers end
        // the process with write and exit_group, and never return (no rt_sigreturn).
    }

    void print_filter(std::FILE* out, const SyscallPolicy& policy) const override {
        Backend::print_filter(out, policy);
        std::fprintf(out, "# The BPF program, as libseccomp renders it (default action TRAP: SIGSYS names the call):\n");
        print_pfc(out, policy);
    }

    RunOutcome run(const Boot& boot) override {
        uint64_t mem_size = boot.options.mem_bytes;
        check_fits(boot.image, mem_size);
        std::byte* host = map_guest_memory(mem_size);
        GuestMemory mem(host, layout::guest_visible_low, mem_size);
        load_segments(mem, boot.image);
        BootParams p;
        p.mem_size = mem_size;
        p.gate = reinterpret_cast<uint64_t>(&ukmon_seccomp_gate);
        p.tsc_hz = 0;  // the guest asks walltime for monotonic time (a cheap call here)
        p.backend = UK_BACKEND_SECCOMP;
        p.program_name = boot.program_name;
        p.args = boot.options.guest_args;
        uint64_t boot_info = write_boot_info(mem, boot.image, p);
        apply_protections(boot.image, mem_size);

        void* stack = ::mmap(nullptr, dispatch_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stack == MAP_FAILED) throw_errno("mmap of the dispatch stack");
        ukmon_seccomp_stack_top = reinterpret_cast<uint64_t>(stack) + dispatch_stack_size;

        // Hypercalls get the guest's own rights: the monitor never faults on (or writes
        // through) a page the guest may not write, such as its boot info or text.
        static GuestAccessMap access = guest_access_map(boot.image, mem_size);
        static RunContext ctx{mem.restricted_to(&access), &boot.image, 1, {}, {}};
        state = ProcessState{&boot, &ctx, layout::guest_visible_low, mem_size};
        exit_plan::guest_ready("seccomp", mem, false, ctx, boot.image, mem_size, read_stop_now, nullptr);  // --stats/--dumpcore/--scrub
        auto program = compile_filter(boot.policy);
        install_signal_handlers();
        timeout::arm(boot.options.timeout_seconds, boot.modules, boot.image, guest_rip, nullptr);
        reserve_heap();  // after this, nothing gives memory back or maps more
        if (boot.options.verbose)
            std::fprintf(stderr, "ukmon: seccomp: guest in-process at 0x%llx..0x%llx, filter of %zu system calls\n",
                         (unsigned long long)layout::guest_visible_low, (unsigned long long)mem_size,
                         boot.policy.distinct_syscalls().size());
        std::fflush(stdout);
        std::fflush(stderr);
        install_filter(program);  // privileges dropped last, right before the first guest instruction
        state.in_monitor = false;
        stats::mark_guest_start();
        ukmon_seccomp_enter(boot.image.entry, mem_size, boot_info);
    }
};

}  // namespace

std::unique_ptr<Backend> make_seccomp_backend() { return std::make_unique<SeccompBackend>(); }

}  // namespace ukmon::seccomp

namespace ukmon {
std::unique_ptr<Backend> make_seccomp_backend() { return seccomp::make_seccomp_backend(); }
}  // namespace ukmon

// Called by ukmon_seccomp_gate on the monitor's stack, inside the filter.
extern "C" void ukmon_seccomp_dispatch(uint64_t nr, uint64_t arg) {
    using namespace ukmon;
    auto& s = seccomp::state;
    s.in_monitor = true;
    try {
        s.boot->dispatcher.dispatch(*s.ctx, nr, arg);
    } catch (const GuestFault& f) {
        seccomp::conclude_at_gate(RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: %s", f.what()), SIGABRT);
    } catch (const std::exception& e) {
        conclude(RunOutcome::make(RunOutcome::Kind::host_error, "monitor error in a hypercall: %s", e.what()),
                 s.boot->modules);
    }
    if (s.ctx->halt) seccomp::conclude_at_gate(RunOutcome::halted(s.ctx->halt->status), 0);
    s.in_monitor = false;
}
