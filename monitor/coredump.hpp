// ELF core files of a guest (--dumpcore): which guest memory goes in, and the layout gdb
// reads: an ELF header, one PT_NOTE (NT_PRSTATUS: the registers and the signal) and one
// PT_LOAD per region at the guest's own addresses, so `gdb GUEST.elf CORE` finds the guest's symbols where they were linked.
// Pure: the supervisor (supervisor.cpp) writes the bytes at the offsets given here.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "monitor/guest_rights.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::coredump {

struct Region {
    uint64_t start, end;  // guest addresses, page aligned, [start, end)
    uint32_t flags;       // PF_R | PF_W | PF_X
};

inline constexpr size_t max_regions = 20;  // boot area + up to 16 segments + heap + stack

struct Regions {
    std::array<Region, max_regions> items{};
    size_t count = 0;
    std::span<const Region> all() const { return {items.data(), count}; }
};

// The guest's memory as the guest sees it, the same on both backends: every region of its
// rights that it may read (boot info, segments, heap, stack), with its flags. Never the gate,
// the null page, the monitor-private area, holes or the stack guard.
Regions guest_regions(const GuestRights& rights);

// Whether regions received from elsewhere are well formed: 1..max_regions, each non-empty
// and page aligned, ascending without overlap, below 4 GiB, flags within R|W|X.
bool valid_regions(std::span<const Region> regions);

// The index of the region holding all of [addr, addr+len), or -1.
int region_of(std::span<const Region> regions, uint64_t addr, uint64_t len);

struct Layout {
    std::vector<std::byte> head;    // ELF header, program headers and notes, at offset 0
    std::vector<uint64_t> offsets;  // file offset of each region's first byte (page aligned)
    uint64_t size = 0;              // the whole file; bytes never written read as zero
};

// `pid` goes into NT_PRSTATUS (`program` is not stored: see coredump.cpp); `signal` 0 is a halt.
Layout layout(std::span<const Region> regions, const GuestStop& stop, int pid, const char* program);

}  // namespace ukmon::coredump
