// The CPU state for a guest that runs as supervisor code (EntryState::Privilege::kernel, e.g.
// Solo5 hvt): flat identity-mapped page tables with 2 MiB pages, read-write-execute, U/S set
// at every level (what lets PVM run CPL0 natively with a VIF page); a GDT with 64-bit kernel
// code and data and a TSS. The guest loads its own tables once it runs. Pure: writes through
// GuestMemory only.
#pragma once
#include <cstdint>

#include "monitor/guest_memory.hpp"

namespace ukmon::x86 {

struct KernelSetup {
    uint64_t cr0, cr3, cr4, efer;
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint64_t tss_base;
    uint32_t tss_limit;
    uint16_t cs, ds, tr;
    uint64_t rflags;
};

// Writes the tables into [tables, tables + kernel_tables_size) of `mem` (the full guest range)
// and maps [0, mem_size); mem_size at most 1 GiB, a multiple of 2 MiB (UsageError otherwise).
KernelSetup build_kernel_entry(const GuestMemory& mem, uint64_t tables, uint64_t mem_size);

}  // namespace ukmon::x86
