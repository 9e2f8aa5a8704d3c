// x86_64 long-mode structures the monitor builds in guest memory for the kvm backend:
// page tables (identity map, U/S, W^X, NX), GDT, IDT, TSS, and the gate and fault stubs.
// Pure: writes through GuestMemory only, so it is unit-tested without /dev/kvm.
#pragma once
#include <cstdint>

#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"

namespace ukmon::x86 {

// I/O ports the guest-side stubs use. Hypercall n is an `out` to hypercall_port_base + n.
inline constexpr uint16_t hypercall_port_base = 0x500;
inline constexpr uint16_t exception_port = 0x4FF;  // eax = guest address of the fault frame
inline constexpr uint16_t bad_gate_call_port = 0x4FE;  // gate saw a bad number or argument
inline constexpr uint16_t syscall_port = 0x4FD;  // the guest executed SYSCALL; eax = number

inline constexpr uint64_t page_size = 4096;

// Selectors in our GDT.
inline constexpr uint16_t kernel_cs = 0x08, kernel_ds = 0x10, user_ds = 0x1B, user_cs = 0x23,
                          tss_sel = 0x28;

// Fixed addresses inside the monitor-private area.
inline constexpr uint64_t pml4_gpa = 0x1000;
inline constexpr uint64_t pdpt_gpa = 0x2000;
inline constexpr uint64_t pd_gpa = 0x3000;      // 4 pages: one per GiB
inline constexpr uint64_t pt_pool_gpa = 0x7000; // page tables for 4 KiB-mapped 2 MiB chunks
inline constexpr uint64_t pt_pool_end = 0xE0000;
inline constexpr uint64_t gdt_gpa = 0xE0000;
inline constexpr uint64_t idt_gpa = 0xE1000;
inline constexpr uint64_t tss_gpa = 0xE2000;
inline constexpr uint64_t stubs_gpa = 0xE3000;   // fault stubs, supervisor R+X
inline constexpr uint64_t fault_stack_low = 0xE4000, fault_stack_top = 0xE8000;
inline constexpr unsigned exception_vectors = 32;
inline constexpr unsigned stub_stride = 16;

// The pieces of special-register state that follow from the layout.
struct CpuSetup {
    uint64_t cr0, cr3, cr4, efer;
    uint64_t gdt_base;
    uint16_t gdt_limit;
    uint64_t idt_base;
    uint16_t idt_limit;
    uint64_t rflags;
    uint32_t tss_limit;
    uint64_t lstar, star, sfmask;  // SYSCALL goes to a stub that reports it
    uint16_t cs, ss;       // user or kernel selectors
    unsigned cpl;
};

// Writes page tables, GDT, IDT, TSS, fault stubs and the gate (at the rights' gate region)
// into `mem` (the full guest range [0, size)). Guest pages get exactly `rights`, with U/S
// set; the monitor-private structures below 1 MiB are supervisor-only. UsageError if the
// image needs more page tables than the private area holds.
CpuSetup build_long_mode(const GuestMemory& mem, const GuestRights& rights, uint64_t mem_size, bool cpl0);

// Whether those page tables map the 2 MiB chunk at `chunk_base` with one large page (a chunk
// inside one guest region, the heap mostly) rather than 4 KiB pages.
bool maps_large_page(uint64_t chunk_base, const GuestRights& rights);

// The layout of what the fault stub pushes (ascending addresses from eax).
struct FaultFrame {
    uint64_t vector, error_code, rip, cs, rflags, rsp, ss;
};
// Below the frame the stub saves the two guest registers it overwrites to report it.
inline constexpr uint64_t fault_saved_rax_offset = 16;  // at frame - 16
inline constexpr uint64_t fault_saved_rdx_offset = 8;   // at frame - 8


// Decodes a page-table entry's permission for tests and diagnoses: walks the tables the
// way the CPU does. Returns false if not present.
struct PageInfo {
    bool user, writable, executable;
};
bool lookup_page(const GuestMemory& mem, uint64_t vaddr, PageInfo& out);

}  // namespace ukmon::x86
