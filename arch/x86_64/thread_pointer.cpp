// See thread_pointer.hpp.
#include "arch/x86_64/thread_pointer.hpp"

#include <asm/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "monitor/error.hpp"

namespace ukmon::x86 {
namespace {

uint64_t monitor_fs = 0;
bool armed = false;

}  // namespace

void allow_set_thread_pointer(SyscallPolicy& policy, const std::string& owner, const std::string& why) {
    policy.allow(__NR_arch_prctl, {{0, ARCH_SET_FS, ~0ull, "ARCH_SET_FS"}}, owner, why);
}

void record_thread_pointer() {
    if (::syscall(SYS_arch_prctl, ARCH_GET_FS, &monitor_fs) != 0) throw_errno("arch_prctl(ARCH_GET_FS)");
}

void arm_thread_pointer_restore() { armed = monitor_fs != 0; }

void restore_thread_pointer() {
    if (!armed) return;
    long ret;
    // Inline: libc's syscall() would set errno, which lives behind FS.
    asm volatile("syscall"
                 : "=a"(ret)
                 : "0"(long(SYS_arch_prctl)), "D"(long(ARCH_SET_FS)), "S"(monitor_fs)
                 : "rcx", "r11", "memory");
    (void)ret;
}

}  // namespace ukmon::x86
