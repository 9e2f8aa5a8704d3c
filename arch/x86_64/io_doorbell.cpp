// KVM_IOEVENTFD doorbells (see io_doorbell.hpp).
#include "arch/x86_64/io_doorbell.hpp"

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <ukmon/abi.h>

#include "arch/x86_64/long_mode.hpp"

namespace ukmon::kvm {

// long_mode.cpp opens three ports past the last hypercall port (for a 4-byte `out`); a
// 1-byte `outb` to any of them is allowed at CPL3, so those three are the doorbells.
constexpr unsigned max_doorbells = 3;

std::optional<uint16_t> PioDoorbells::bind(int eventfd) {
    if (vm_fd_ < 0 || used_ >= max_doorbells) return std::nullopt;
    const uint16_t port = uint16_t(x86::hypercall_port_base + UK_HC_MAX + used_);
    kvm_ioeventfd io{};
    io.addr = port;
    io.len = 1;
    io.fd = eventfd;
    io.flags = KVM_IOEVENTFD_FLAG_PIO;
    if (::ioctl(vm_fd_, KVM_IOEVENTFD, &io) != 0) return std::nullopt;
    ++used_;
    return port;
}

}  // namespace ukmon::kvm
