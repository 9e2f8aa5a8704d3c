// CpuidPrefetch (see cpuid_prefetch.hpp).
#include "arch/x86_64/cpuid_prefetch.hpp"

#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "monitor/error.hpp"

namespace ukmon::kvm {
namespace {

constexpr size_t stack_size = 16384;  // the ioctl runs on the kernel's stack; this is for query()

std::unique_ptr<CpuidBuffer> new_buffer() {
    auto b = std::make_unique<CpuidBuffer>();
    b->nent = max_cpuid_entries;
    return b;
}

// A system call without the C library: the thread has no thread-local storage of its own
// (it runs on the main thread's), so it must not touch errno.
__attribute__((no_sanitize("address", "undefined"))) long raw_ioctl(long fd, unsigned long request, void* arg) {
    long r;
    asm volatile("syscall" : "=a"(r) : "0"(long(SYS_ioctl)), "D"(fd), "S"(request), "d"(arg) : "rcx", "r11", "memory");
    return r;
}

}  // namespace

// Not instrumented: the sanitizers' runtimes do not know this thread.
__attribute__((no_sanitize("address", "undefined"))) int CpuidPrefetch::query(void* self) {
    auto* p = static_cast<CpuidPrefetch*>(self);
    p->result_ = raw_ioctl(p->kvm_fd_, get_supported_cpuid, p->answer_.get());
    return 0;  // clone()'s wrapper ends the thread with a raw exit
}

void CpuidPrefetch::start(int kvm_fd) {
    answer_ = new_buffer();
    kvm_fd_ = kvm_fd;
    stack_ = std::make_unique<char[]>(stack_size);
    // Signals stay with the threads that have handlers for them: this one starts with every
    // signal blocked (a new thread inherits the mask).
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    const int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
                      CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    int* tid = reinterpret_cast<int*>(&tid_);
    int r = ::clone(query, stack_.get() + stack_size, flags, this, tid, nullptr, tid);
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (r < 0) answer_.reset();  // take() asks itself
}

void CpuidPrefetch::join() {
    // CLONE_CHILD_CLEARTID: the kernel zeroes tid_ and wakes it when the thread has exited.
    for (int t = tid_.load(); t != 0; t = tid_.load())
        ::syscall(SYS_futex, reinterpret_cast<int*>(&tid_), FUTEX_WAIT, t, nullptr, nullptr, 0);
}

std::unique_ptr<CpuidBuffer> CpuidPrefetch::take(int kvm_fd) {
    join();
    if (answer_ && result_ == 0) return std::move(answer_);
    answer_.reset();
    auto b = new_buffer();
    if (::ioctl(kvm_fd, get_supported_cpuid, b.get()) < 0) throw_errno("KVM_GET_SUPPORTED_CPUID");
    return b;
}

}  // namespace ukmon::kvm
