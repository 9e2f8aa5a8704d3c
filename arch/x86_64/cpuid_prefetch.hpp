// The host's CPUID for a vCPU (KVM_GET_SUPPORTED_CPUID), asked on a thread of its own at
// start-up. The ioctl depends on nothing but /dev/kvm, and it is the longest single step
// of a kvm start where CPUID itself exits to a hypervisor (hundreds of µs on a PVM host:
// the kernel runs CPUID for every leaf); meanwhile the monitor attaches the devices, loads
// the image and builds the page tables. One prefetch per run; the thread is joined before
// lockdown (at `take`), or when the prefetch is destroyed.
#pragma once

#include <memory>
#include <thread>

#include "arch/x86_64/kvm_uapi.hpp"

namespace ukmon::kvm {

class CpuidPrefetch {
public:
    // Starts the query on `kvm_fd` (a /dev/kvm fd the caller keeps open until take()).
    void start(int kvm_fd);
    // The host's supported CPUID: the prefetched answer, or, if none was started or it
    // failed, asked now (HostError as before).
    std::unique_ptr<CpuidBuffer> take(int kvm_fd);

private:
    std::unique_ptr<CpuidBuffer> answer_;
    int error_ = 0;
    std::jthread thread_;
};

}  // namespace ukmon::kvm
