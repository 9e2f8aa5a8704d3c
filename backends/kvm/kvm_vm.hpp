// What every architecture's kvm backend opens the same way: /dev/kvm, one VM, guest memory as
// one memslot at guest-physical 0, one vCPU and its kvm_run page. The arch's backend
// (arch/<arch>/kvm_backend.cpp) sets the vCPU up and runs it.
#pragma once
#include <linux/kvm.h>

#include <cstdint>

#include "monitor/unique_fd.hpp"

namespace ukmon::kvm {

struct Vm {
    UniqueFd kvm, vm, vcpu;
    Mapping mem, run_map;  // guest memory; the vCPU's kvm_run mapping
    kvm_run* run = nullptr;
};

// Opens /dev/kvm (unless `kvm` is open already: a backend's early start), creates the VM,
// maps `mem_size` bytes of guest RAM as slot 0 at guest-physical 0 and creates vCPU 0.
// HostError on any failure.
Vm open_vm(uint64_t mem_size, UniqueFd kvm = {});

// ioctl that throws HostError (`what` names the request) on failure.
int xioctl(int fd, unsigned long req, const char* what, unsigned long arg);
template <class T>
int xioctl(int fd, unsigned long req, const char* what, T* arg) {
    return xioctl(fd, req, what, reinterpret_cast<unsigned long>(arg));
}

}  // namespace ukmon::kvm
