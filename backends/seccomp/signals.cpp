// Signal handlers that turn a refused system call or a guest fault into a diagnosis and
// the process's end. They run inside the filter: no allocation, only write/fsync/exit_group.
#include <linux/audit.h>
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
#include "arch/x86_64/faults.hpp"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1
#endif

namespace ukmon::seccomp {
namespace {

constexpr size_t alt_stack_size = 64 * 1024;

RunOutcome refused_syscall(const siginfo_t* info, const greg_t* regs) {
    uint64_t rip = uint64_t(regs[REG_RIP]);
    char sym[160];
    x86::format_symbol(sym, sizeof sym, rip, state.run->image());
    bool native = info->si_arch == AUDIT_ARCH_X86_64 && info->si_syscall >= 0 && info->si_syscall < 0x40000000;
    const char* name = native ? syscall_name(info->si_syscall) : "non-x86_64 ABI call";
    if (state.in_monitor)
        return RunOutcome::make(RunOutcome::Kind::host_error,
                                "monitor bug: the monitor itself made system call %s (%d), which its filter refuses; rip=0x%llx",
                                name, info->si_syscall, (unsigned long long)rip);
    return RunOutcome::make(RunOutcome::Kind::killed,
                            "guest killed: forbidden system call %s (%d); the seccomp filter refused it\n  rip=0x%llx%s",
                            name, info->si_syscall, (unsigned long long)rip, sym);
}

RunOutcome fault(int sig, const siginfo_t* info, const greg_t* regs) {
    uint64_t rip = uint64_t(regs[REG_RIP]);
    if (state.in_monitor)
        return RunOutcome::make(RunOutcome::Kind::host_error, "monitor crashed: signal %d (%s) at rip=0x%llx, address 0x%llx",
                                sig, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?", (unsigned long long)rip,
                                (unsigned long long)reinterpret_cast<uintptr_t>(info->si_addr));
    x86::CpuFault f;
    f.vector = uint64_t(regs[REG_TRAPNO]);
    f.error_code = uint64_t(regs[REG_ERR]);
    f.fault_addr = reinterpret_cast<uintptr_t>(info->si_addr);
    f.rip = rip;
    f.rsp = uint64_t(regs[REG_RSP]);
    return x86::describe_fault(f, state.run->image());
}

void on_signal(int sig, siginfo_t* info, void* uctx) {
    const greg_t* regs = static_cast<ucontext_t*>(uctx)->uc_mcontext.gregs;
    RunOutcome o = (sig == SIGSYS && info->si_code == SYS_SECCOMP) ? refused_syscall(info, regs)
                                                                   : fault(sig, info, regs);
    o.stop = stop_from_signal(sig, *static_cast<ucontext_t*>(uctx));  // for --dumpcore
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
