// libseccomp translation of the policy table; export to memory through a memfd.
#include "monitor/sandbox/filter.hpp"

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <malloc.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/sandbox/policy_print.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::sandbox {
namespace {

struct CtxRelease {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using Ctx = std::unique_ptr<void, CtxRelease>;

void check(int rc, const char* what) {
    if (rc < 0) throw HostError(std::string("libseccomp: ") + what, -rc);
}

// The calls of the I/O paths: a guest makes them thousands of times a second.
constexpr int hot_calls[] = {__NR_pwrite64, __NR_pread64, __NR_write, __NR_readv, __NR_clock_gettime, __NR_ppoll};

Ctx build(const SyscallPolicy& policy, FilterLayout layout) {
    Ctx ctx(seccomp_init(SCMP_ACT_TRAP));
    if (!ctx) throw HostError("libseccomp: seccomp_init", ENOMEM);
    // A call through another ABI (int 0x80, x32) is refused the same way.
    check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_TRAP), "badarch action");
    if (layout == FilterLayout::fast) {
        // Measured with tests/unit/filter_eval_test.cpp: libseccomp's binary tree (level 2)
        // cost more instructions than a linear list with the hot calls first for policies
        // of this size (a dozen calls), so: level 1 and priorities.
        check(seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 1), "optimize");
        // Only calls the policy allows: libseccomp 2.5.4 turns a priority on a call without
        // rules into a block that skips loading the syscall number on architectures
        // without an x32-style reload (aarch64: every call then fell to the default).
        uint8_t priority = 255;
        for (int nr : hot_calls) {
            bool used = std::any_of(policy.rules().begin(), policy.rules().end(),
                                    [nr](const SyscallRule& r) { return r.nr == nr; });
            if (used) check(seccomp_syscall_priority(ctx.get(), nr, priority), "priority");
            --priority;
        }
    }
    for (const SyscallRule& r : policy.rules()) {
        std::vector<scmp_arg_cmp> cmps;
        for (const ArgEquals& a : r.args)
            cmps.push_back(a.at_most        ? SCMP_CMP(a.index, SCMP_CMP_LE, a.value)
                           : a.mask == ~0ull ? SCMP_CMP(a.index, SCMP_CMP_EQ, a.value)
                                             : SCMP_CMP(a.index, SCMP_CMP_MASKED_EQ, a.mask, a.value));
        check(seccomp_rule_add_exact_array(ctx.get(), SCMP_ACT_ALLOW, r.nr, unsigned(cmps.size()),
                                           cmps.data()),
              "rule");
    }
    return ctx;
}

}  // namespace

std::vector<sock_filter> compile_filter(const SyscallPolicy& policy, FilterLayout layout) {
    Ctx ctx = build(policy, layout);
    UniqueFd fd(int(::syscall(SYS_memfd_create, "ukmon-filter", MFD_CLOEXEC)));
    if (!fd) throw_errno("memfd_create");
    check(seccomp_export_bpf(ctx.get(), fd.get()), "export");
    off_t size = ::lseek(fd.get(), 0, SEEK_END);
    if (size <= 0 || size % sizeof(sock_filter) != 0) throw HostError("libseccomp: bad BPF size", EINVAL);
    std::vector<sock_filter> prog(size_t(size) / sizeof(sock_filter));
    if (::pread(fd.get(), prog.data(), size_t(size), 0) != size) throw_errno("reading the BPF filter");
    return prog;
}

void print_pfc(std::FILE* out, const SyscallPolicy& policy) {
    Ctx ctx = build(policy, FilterLayout::fast);
    std::fflush(out);
    check(seccomp_export_pfc(ctx.get(), fileno(out)), "export pfc");
}

void install_filter(const std::vector<sock_filter>& program) {
    sock_fprog prog{static_cast<unsigned short>(program.size()), const_cast<sock_filter*>(program.data())};
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) throw_errno("prctl(PR_SET_NO_NEW_PRIVS)");
    if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) throw_errno("seccomp(SET_MODE_FILTER)");
}

}  // namespace ukmon::sandbox

namespace ukmon::sandbox {

void reserve_heap() {
    ::mallopt(M_TRIM_THRESHOLD, INT_MAX);
    ::mallopt(M_MMAP_MAX, 0);
    void* p = std::malloc(512 * 1024);
    std::free(p);
    // The unwinder sets itself up on the first throw (pthread_once, which may wake a futex):
    // do that here, so that the first exception after the filter makes no system call.
    try {
        throw 0;
    } catch (int) {
    }
}

namespace {
void on_monitor_sigsys(int, siginfo_t* info, void*) {
    char msg[160];
    int n = std::snprintf(msg, sizeof msg,
                          "ukmon: monitor bug: system call %s (%d) is refused by the monitor's own filter\n",
                          syscall_name(info->si_syscall), info->si_syscall);
    if (n > 0) (void)!::write(2, msg, std::min<size_t>(size_t(n), sizeof msg - 1));
    _exit(exit_code::host_error);
}
}  // namespace

void install_monitor_sigsys_handler() {
    struct sigaction sa{};
    sa.sa_sigaction = on_monitor_sigsys;
    sa.sa_flags = SA_SIGINFO;
    sigfillset(&sa.sa_mask);
    if (::sigaction(SIGSYS, &sa, nullptr) != 0) throw_errno("sigaction(SIGSYS)");
}

}  // namespace ukmon::sandbox
