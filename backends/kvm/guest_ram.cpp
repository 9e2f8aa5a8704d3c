// map_guest_ram, advise_huge_pages (see guest_ram.hpp).
#include "backends/kvm/guest_ram.hpp"

#include <sys/mman.h>

#include "monitor/error.hpp"

namespace ukmon::kvm {
namespace {
constexpr uint64_t huge_page = 2ull << 20;
}

Mapping map_guest_ram(uint64_t size) {
    const uint64_t align = huge_page;
    void* raw = ::mmap(nullptr, size + align, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED) throw_errno("mmap of guest memory");
    uintptr_t start = (reinterpret_cast<uintptr_t>(raw) + align - 1) & ~(align - 1);
    size_t head = start - reinterpret_cast<uintptr_t>(raw);
    if (head) ::munmap(raw, head);
    if (align - head) ::munmap(reinterpret_cast<void*>(start + size), align - head);
    // A host whose THP setting is "always" would otherwise back the low memory with a huge
    // page at the set-up's first write.
    ::madvise(reinterpret_cast<void*>(start), size, MADV_NOHUGEPAGE);  // advice only
    return Mapping(reinterpret_cast<void*>(start), size);
}

void advise_huge_pages(const Mapping& ram, const std::function<bool(uint64_t)>& large) {
    auto* base = reinterpret_cast<char*>(ram.data());
    uint64_t run_start = 0;
    bool in_run = false;
    for (uint64_t at = 0; at <= ram.size(); at += huge_page) {
        bool here = at + huge_page <= ram.size() && large(at);
        if (here && !in_run) run_start = at;
        if (!here && in_run) ::madvise(base + run_start, at - run_start, MADV_HUGEPAGE);  // advice only
        in_run = here;
    }
}

}  // namespace ukmon::kvm
