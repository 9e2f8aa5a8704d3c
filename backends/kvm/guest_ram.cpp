// map_guest_ram (see guest_ram.hpp).
#include "backends/kvm/guest_ram.hpp"

#include <sys/mman.h>

#include "monitor/error.hpp"

namespace ukmon::kvm {

Mapping map_guest_ram(uint64_t size) {
    const uint64_t align = 2ull << 20;
    void* raw = ::mmap(nullptr, size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) throw_errno("mmap of guest memory");
    uintptr_t start = (reinterpret_cast<uintptr_t>(raw) + align - 1) & ~(align - 1);
    size_t head = start - reinterpret_cast<uintptr_t>(raw);
    if (head) ::munmap(raw, head);
    if (align - head) ::munmap(reinterpret_cast<void*>(start + size), align - head);
    ::madvise(reinterpret_cast<void*>(start), size, MADV_HUGEPAGE);  // advice only
    return Mapping(reinterpret_cast<void*>(start), size);
}

}  // namespace ukmon::kvm
