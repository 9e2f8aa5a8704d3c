// Signal handlers that turn a refused system call or a guest fault into a diagnosis and
// the process's end. They run inside the filter: no allocation, only write/fsync/exit_group.
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <cstdio>
#include <cstring>

#include "backends/seccomp/guest_stop.hpp"
#include "backends/seccomp/process_state.hpp"
#include "monitor/error.hpp"
#include "monitor/sandbox/policy_print.hpp"
#include "monitor/run.hpp"
#include "arch/native.hpp"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

namespace ukmon::seccomp {
namespace {

constexpr size_t alt_stack_size = 64 * 1024;

RunOutcome refused_syscall(const siginfo_t* info, const ucontext_t& uc) {
    uint64_t ip = arch::registers_from_ucontext(uc).ip();
    char sym[160];
    arch::format_symbol(sym, sizeof sym, ip, state.run->image());
    // The filter refuses every other ABI (badarch) before naming a number of ours.
    bool native = info->si_arch == arch::audit_arch && info->si_syscall >= 0 && info->si_syscall < 0x40000000;
    const char* name = native ? syscall_name(info->si_syscall) : arch::foreign_abi_call;
    // Under seccomp the guest can rewrite all of the monitor's memory (this flag included):
    // say what is known, not whose fault it was.
    if (state.in_monitor)
        return RunOutcome::make(RunOutcome::Kind::host_error,
                                "refused system call inside the guest's process, while the monitor served a hypercall: "
                                "%s (%d), %s=0x%llx (a monitor bug, or a guest that rewrote the monitor's memory)",
                                name, info->si_syscall, arch::ip_name, (unsigned long long)ip);
    return RunOutcome::make(RunOutcome::Kind::killed,
                            "guest killed: forbidden system call %s (%d); the seccomp filter refused it\n  %s=0x%llx%s",
                            name, info->si_syscall, arch::ip_name, (unsigned long long)ip, sym);
}

RunOutcome fault(int sig, const siginfo_t* info, const ucontext_t& uc) {
    if (state.in_monitor)
        return RunOutcome::make(RunOutcome::Kind::host_error,
                                "crashed inside the guest's process, while the monitor served a hypercall: signal %d (%s) "
                                "at %s=0x%llx, address 0x%llx (a monitor bug, or a guest that rewrote the monitor's memory)",
                                sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", arch::ip_name,
                                (unsigned long long)arch::registers_from_ucontext(uc).ip(),
                                (unsigned long long)reinterpret_cast<uintptr_t>(info->si_addr));
    return arch::describe_fault(arch::fault_from_ucontext(*info, uc), state.run->image());
}

void on_signal(int sig, siginfo_t* info, void* uctx) {
    arch::restore_thread_pointer();  // first: the guest may have set its own thread pointer
    const auto& uc = *static_cast<const ucontext_t*>(uctx);
    RunOutcome o = (sig == SIGSYS && info->si_code == SYS_SECCOMP) ? refused_syscall(info, uc) : fault(sig, info, uc);
    o.stop = stop_from_signal(sig, uc);  // for --dumpcore
    state.run->conclude(o);
}

}  // namespace

void install_signal_handlers() {
    void* stack = ::mmap(nullptr, alt_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (stack == MAP_FAILED) throw_errno("mmap of the signal stack");
    stack_t ss{};
    ss.ss_sp = stack;
    ss.ss_size = alt_stack_size;
    if (::sigaltstack(&ss, nullptr) != 0) throw_errno("sigaltstack");
    struct sigaction sa{};
    sa.sa_sigaction = on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    for (int sig : {SIGSYS, SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP})
        if (::sigaction(sig, &sa, nullptr) != 0) throw_errno("sigaction");
}

}  // namespace ukmon::seccomp
