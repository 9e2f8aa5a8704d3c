// The aarch64 kvm backend's guest-physical layout and EL1 set-up, built by the monitor from the
// guest's rights: stage-1 translation tables (identity map, EL0 rights per page, W^X), the EL1
// exception vectors that report faults, and the gate in the guest's gate page. Pure: writes
// through GuestMemory only, so it is unit-tested on any host without /dev/kvm.
#pragma once
#include <cstdint>

#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"

namespace ukmon::a64 {

inline constexpr uint64_t page_size = 4096;

// Monitor-private low memory (0x1000..0xF0000, as on x86_64): EL0 has no access to any of it.
inline constexpr uint64_t l1_gpa = 0x1000;        // one table: 512 x 1 GiB (39-bit VA)
inline constexpr uint64_t l2_gpa = 0x2000;        // one table per GiB: guest memory (4), windows (1)
inline constexpr uint64_t l3_pool_gpa = 0x7000;   // 4 KiB-page tables for mixed 2 MiB chunks
inline constexpr uint64_t l3_pool_end = 0xE0000;
// VBAR_EL1 (2 KiB aligned), EL1 read+execute: the only private page the tables map. The
// vectors need no stack, so none is mapped: a broken EL1 state cannot scribble anywhere.
inline constexpr uint64_t vectors_gpa = 0xE0000;

// Unbacked guest-physical windows just above the largest guest memory (4 GiB): a store there is
// a KVM_EXIT_MMIO carrying the address and the stored value.
inline constexpr uint64_t max_guest_memory = 4ull << 30;
// EL0 read-write: hypercall nr is an 8-byte store of the argument address at +8*nr; the gate
// reports a number it refused with an 8-byte store of that number at +bad_call_offset.
inline constexpr uint64_t hypercall_window = 0x1'0000'0000;
inline constexpr uint64_t bad_call_offset = 0xF00;
// EL1 only: vector entry i (0..15) stores zero at +8*i, after saving the guest's x0 in TPIDR_EL1.
inline constexpr uint64_t fault_window = 0x1'0000'1000;
inline constexpr unsigned vector_entries = 16;

// The EL1 system registers that follow from the layout (set with KVM_SET_ONE_REG).
struct El1Setup {
    uint64_t sctlr, tcr, mair, ttbr0, vbar, cntkctl, cpacr;
    uint64_t pstate;  // EL0t, interrupts masked
};

// Writes translation tables, vectors and the gate (at the rights' gate region) into `mem` (all
// of guest memory, [0, mem_size)). UsageError if memory is above 4 GiB or the image needs more
// page tables than the private area holds; std::logic_error without a gate region.
El1Setup build_el0_setup(const GuestMemory& mem, const GuestRights& rights, uint64_t mem_size);

// Walks the tables as the MMU does, for tests and diagnoses. False if `vaddr` is not mapped.
struct PageInfo {
    bool el0_read, el0_write, el0_exec, el1_exec, device;
};
bool lookup_page(const GuestMemory& mem, uint64_t vaddr, PageInfo& out);

}  // namespace ukmon::a64
