// KVM_IOEVENTFD doorbells on I/O ports just above the hypercall ports (inside the range the
// TSS bitmap opens to CPL3): a guest `outb` there signals an eventfd inside KVM, no exit to us.
#pragma once
#include <cstdint>
#include <optional>

#include "monitor/doorbells.hpp"

namespace ukmon::kvm {

class PioDoorbells final : public Doorbells {
public:
    void set_vm(int vm_fd) { vm_fd_ = vm_fd; }
    std::optional<uint16_t> bind(int eventfd) override;

private:
    int vm_fd_ = -1;
    unsigned used_ = 0;
};

}  // namespace ukmon::kvm
