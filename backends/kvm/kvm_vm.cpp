// Opening the VM the same way on every architecture (see kvm_vm.hpp), and kvm_available.
#include "backends/kvm/kvm_vm.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "backends/backend.hpp"
#include "backends/kvm/guest_ram.hpp"
#include "monitor/error.hpp"

namespace ukmon {
namespace kvm {

int xioctl(int fd, unsigned long req, const char* what, unsigned long arg) {
    int r = ::ioctl(fd, req, arg);
    if (r < 0) throw_errno(what);
    return r;
}

Vm open_vm(uint64_t mem_size, UniqueFd kvm) {
    Vm v;
    v.kvm = kvm ? std::move(kvm) : UniqueFd(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
    if (!v.kvm) throw_errno("open /dev/kvm");
    if (xioctl(v.kvm.get(), KVM_GET_API_VERSION, "KVM_GET_API_VERSION", 0ul) != KVM_API_VERSION)
        throw HostError("KVM API version mismatch", EINVAL);
    v.vm = UniqueFd(xioctl(v.kvm.get(), KVM_CREATE_VM, "KVM_CREATE_VM", 0ul));
    v.mem = map_guest_ram(mem_size);
    kvm_userspace_memory_region region{};
    region.slot = 0;
    region.guest_phys_addr = 0;
    region.memory_size = mem_size;
    region.userspace_addr = reinterpret_cast<uint64_t>(v.mem.data());
    xioctl(v.vm.get(), KVM_SET_USER_MEMORY_REGION, "KVM_SET_USER_MEMORY_REGION", &region);
    v.vcpu = UniqueFd(xioctl(v.vm.get(), KVM_CREATE_VCPU, "KVM_CREATE_VCPU", 0ul));
    int run_size = xioctl(v.kvm.get(), KVM_GET_VCPU_MMAP_SIZE, "KVM_GET_VCPU_MMAP_SIZE", 0ul);
    void* r = ::mmap(nullptr, size_t(run_size), PROT_READ | PROT_WRITE, MAP_SHARED, v.vcpu.get(), 0);
    if (r == MAP_FAILED) throw_errno("mmap of kvm_run");
    v.run_map = Mapping(r, size_t(run_size));
    v.run = static_cast<kvm_run*>(r);
    return v;
}

}  // namespace kvm

bool kvm_available(std::string& why) {
    UniqueFd fd(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
    if (!fd) {
        why = std::string("/dev/kvm: ") + std::strerror(errno);
        return false;
    }
    return true;
}

}  // namespace ukmon
