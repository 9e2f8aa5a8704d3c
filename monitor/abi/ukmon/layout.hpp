// Where things live in guest memory, the same under both backends (see docs/architecture.md).
//
//   0x000000 .. 0x001000  never mapped (null page)
//   0x001000 .. 0x0F0000  monitor-private (kvm: page tables, GDT, IDT, TSS, fault stubs)
//   0x0F0000 .. 0x0FF000  boot info, argv and the command line (guest: read-only)
//   0x0FF000 .. 0x100000  hypercall gate code (kvm; guest: read+execute)
//   0x100000 .. image_end the guest ELF's segments
//   image_end .. heap_end heap (from the boot info)
//   one unmapped guard page, then the stack, whose top is the end of guest memory
#pragma once
#include <cstdint>

#include <ukmon/abi.h>

namespace ukmon::layout {

inline constexpr uint64_t page = 4096;
inline constexpr uint64_t private_low = 0x1000;
inline constexpr uint64_t private_end = 0xF0000;
inline constexpr uint64_t boot_area = 0xF0000;
inline constexpr uint64_t boot_area_end = 0xFF000;
inline constexpr uint64_t gate_page = 0xFF000;
inline constexpr uint64_t image_base = UK_GUEST_LINK_BASE;
// Lowest address a hypercall may name: the boot area and everything above it.
inline constexpr uint64_t guest_visible_low = boot_area;
inline constexpr uint64_t stack_size = 1ull << 20;

constexpr uint64_t page_up(uint64_t v) { return (v + page - 1) & ~(page - 1); }

struct Regions {
    uint64_t heap_start, heap_end;  // heap_end is the guard page
    uint64_t stack_low, stack_top;
};

// The heap, guard and stack for a memory size; caller checks image_end fits (fits()).
constexpr Regions regions(uint64_t image_end, uint64_t mem_size) {
    return Regions{page_up(image_end), mem_size - stack_size - page, mem_size - stack_size, mem_size};
}
constexpr bool fits(uint64_t image_end, uint64_t mem_size) {
    return mem_size >= stack_size + page && page_up(image_end) + page <= mem_size - stack_size - page;
}

}  // namespace ukmon::layout
