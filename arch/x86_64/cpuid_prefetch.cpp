// CpuidPrefetch (see cpuid_prefetch.hpp).
#include "arch/x86_64/cpuid_prefetch.hpp"

#include <sys/ioctl.h>

#include <cerrno>

#include "monitor/error.hpp"

namespace ukmon::kvm {
namespace {

std::unique_ptr<CpuidBuffer> new_buffer() {
    auto b = std::make_unique<CpuidBuffer>();
    b->nent = max_cpuid_entries;
    return b;
}

}  // namespace

void CpuidPrefetch::start(int kvm_fd) {
    answer_ = new_buffer();
    // The thread writes answer_ and error_ only; take() reads them after join().
    thread_ = std::jthread([this, kvm_fd] {
        if (::ioctl(kvm_fd, get_supported_cpuid, answer_.get()) < 0) error_ = errno;
    });
}

std::unique_ptr<CpuidBuffer> CpuidPrefetch::take(int kvm_fd) {
    if (thread_.joinable()) thread_.join();
    if (answer_ && error_ == 0) return std::move(answer_);
    answer_.reset();
    auto b = new_buffer();
    if (::ioctl(kvm_fd, get_supported_cpuid, b.get()) < 0) throw_errno("KVM_GET_SUPPORTED_CPUID");
    return b;
}

}  // namespace ukmon::kvm
