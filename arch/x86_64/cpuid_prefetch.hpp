// The host's CPUID for a vCPU (KVM_GET_SUPPORTED_CPUID), asked on a thread of its own at
// start-up. The ioctl depends on nothing but /dev/kvm, and it is the longest single step
// of a kvm start where CPUID itself exits to a hypervisor (hundreds of µs on a PVM host:
// the kernel runs CPUID for every leaf); meanwhile the monitor attaches the devices, loads
// the image and builds the page tables. One prefetch per run; the thread is joined before
// lockdown (at `take`), or when the prefetch is destroyed.
//
// The thread is a bare clone() that makes one raw system call and exits, not a std::thread:
// that would link glibc's whole thread library into every baked executable (about 86 KB,
// which took hello past its 1.5 MiB target) for one ioctl.
#pragma once

#include <atomic>
#include <memory>

#include "arch/x86_64/kvm_uapi.hpp"

namespace ukmon::kvm {

class CpuidPrefetch {
public:
    CpuidPrefetch() = default;
    CpuidPrefetch(const CpuidPrefetch&) = delete;
    CpuidPrefetch& operator=(const CpuidPrefetch&) = delete;
    ~CpuidPrefetch() { join(); }

    // Starts the query on `kvm_fd` (a /dev/kvm fd the caller keeps open until take()). If
    // no thread can be started, take() asks itself.
    void start(int kvm_fd);
    // The host's supported CPUID: the prefetched answer, or, if none was started or it
    // failed, asked now (HostError as before).
    std::unique_ptr<CpuidBuffer> take(int kvm_fd);

private:
    static int query(void* self);  // the thread: one raw ioctl, no C library
    void join();

    std::unique_ptr<CpuidBuffer> answer_;
    int kvm_fd_ = -1;
    long result_ = 0;            // the ioctl's raw result (a negative errno on failure)
    std::atomic<int> tid_{0};    // the thread's id while it runs; the kernel clears it at its end
    std::unique_ptr<char[]> stack_;
};

}  // namespace ukmon::kvm
