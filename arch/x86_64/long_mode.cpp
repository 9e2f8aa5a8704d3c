// Builds the long-mode structures in guest memory: identity-mapped page tables with the U/S
// bit at every level for guest pages (PVM runs such a CPL3 guest natively), W^X and NX from
// the ELF's segment flags, and a GDT/IDT/TSS whose fault stubs report to the monitor.
#include "arch/x86_64/long_mode.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>

#include <ukmon/abi.h>

#include "monitor/error.hpp"

extern "C" const unsigned char ukmon_gate_code[], ukmon_gate_code_end[];
extern "C" const unsigned char ukmon_fault_stubs[], ukmon_fault_stubs_end[];
extern "C" const unsigned char ukmon_syscall_stub[];

namespace ukmon::x86 {
namespace {

constexpr uint64_t pte_present = 1ull << 0, pte_write = 1ull << 1, pte_user = 1ull << 2,
                   pte_accessed = 1ull << 5, pte_dirty = 1ull << 6, pte_large = 1ull << 7,
                   pte_nx = 1ull << 63;
constexpr uint64_t addr_mask = 0x000F'FFFF'FFFF'F000ull;
constexpr uint64_t chunk = 2ull << 20;  // what one page-directory entry maps
constexpr uint64_t page = page_size;
constexpr uint64_t private_low = 0x1000;    // below: the null page, never mapped
constexpr uint64_t private_end = 0xF0000;   // the structures above, supervisor-only
constexpr unsigned first_open_port = syscall_port;
// A 4-byte `out` needs the bits of all four ports it covers.
constexpr unsigned last_open_port = hypercall_port_base + UK_HC_MAX - 1 + 3;
// 104-byte TSS, the bitmap up to the last open port, and the 0xFF byte the CPU requires.
constexpr unsigned tss_size = 0x68 + last_open_port / 8 + 1 + 1;

struct Perm {
    bool present = false, user = false, writable = false, executable = false;
};

// The permission of one 4 KiB page: the guest's rights, or the monitor's private structures.
Perm page_perm(uint64_t addr, const GuestRights& rights) {
    if (const GuestRegion* g = rights.at(addr)) return {g->read || g->write, true, g->write, g->exec};
    if (addr < private_low) return {};
    if (addr >= stubs_gpa && addr < stubs_gpa + page) return {true, false, false, true};
    if (addr < private_end) return {true, false, true, false};
    return {};  // holes between segments and the stack guard page
}

uint64_t leaf_bits(const Perm& p) {
    if (!p.present) return 0;
    // Accessed/dirty preset: the CPU need not write them (the tables are supervisor-only).
    uint64_t e = pte_present | pte_accessed | pte_dirty;
    if (p.user) e |= pte_user;
    if (p.writable) e |= pte_write;
    if (!p.executable) e |= pte_nx;
    return e;
}

void put64(const GuestMemory& mem, uint64_t gpa, uint64_t v) { mem.write(gpa, v, "page table"); }

// A chunk inside one guest region (the heap, mostly) is one 2 MiB page; any other (low
// memory, the image, the guard page and stack) gets 4 KiB pages.
bool needs_small_pages(uint64_t chunk_base, const GuestRights& rights) {
    const GuestRegion* g = rights.at(chunk_base);
    return !g || g->end < chunk_base + chunk;
}

}  // namespace

bool maps_large_page(uint64_t chunk_base, const GuestRights& rights) { return !needs_small_pages(chunk_base, rights); }

namespace {

void build_page_tables(const GuestMemory& mem, const GuestRights& rights, uint64_t mem_size) {
    const uint64_t table = pte_present | pte_write | pte_user | pte_accessed;
    put64(mem, pml4_gpa, pdpt_gpa | table);
    uint64_t gib = (mem_size + (1ull << 30) - 1) >> 30;
    for (uint64_t g = 0; g < gib; ++g) put64(mem, pdpt_gpa + 8 * g, (pd_gpa + g * page) | table);
    uint64_t next_pt = pt_pool_gpa;
    for (uint64_t base = 0; base < mem_size; base += chunk) {
        uint64_t pde_gpa = pd_gpa + (base / chunk) * 8;
        if (!needs_small_pages(base, rights)) {
            put64(mem, pde_gpa, base | pte_large | leaf_bits(page_perm(base, rights)));
            continue;
        }
        while (next_pt < pt_pool_end && rights.at(next_pt)) next_pt += page;  // a guest page there (Solo5 spt's boot area)
        if (next_pt >= pt_pool_end)
            throw UsageError("guest image is too large for the kvm backend's page-table area (at " +
                             std::to_string(base >> 20) + " MiB)");
        put64(mem, pde_gpa, next_pt | table);
        for (uint64_t i = 0; i < 512; ++i)
            put64(mem, next_pt + 8 * i, leaf_bits(page_perm(base + i * page, rights)) | (base + i * page));
        next_pt += page;
    }
}

uint64_t segment_descriptor(bool code, unsigned dpl) {
    // P=1, S=1, accessed; code: execute/read with L=1; data: read/write.
    uint64_t access = 0x80 | (uint64_t(dpl) << 5) | 0x10 | (code ? 0x0B : 0x03);
    uint64_t flags = code ? 0x2 /* L */ : 0x0;
    return (access << 40) | (flags << 52);
}

void build_gdt_tss(const GuestMemory& mem) {
    uint64_t gdt[7] = {};
    gdt[1] = segment_descriptor(true, 0);
    gdt[2] = segment_descriptor(false, 0);
    gdt[3] = segment_descriptor(false, 3);
    gdt[4] = segment_descriptor(true, 3);
    // 64-bit TSS descriptor (16 bytes), type 0xB (busy: it is loaded through KVM_SET_SREGS).
    const uint64_t limit = tss_size - 1, base = tss_gpa;
    gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x8Bull << 40) | (((base >> 24) & 0xFF) << 56);
    gdt[6] = base >> 32;
    mem.write(gdt_gpa, gdt, "GDT");
    // TSS: every fault switches to IST1, so even a broken guest stack is reported. Its I/O
    // permission bitmap opens exactly the monitor's ports to CPL3 (PVM honours the bitmap,
    // not IOPL); every other port faults.
    uint8_t tss[tss_size];
    std::memset(tss, 0xFF, sizeof tss);
    std::memset(tss, 0, 0x68);
    uint64_t top = fault_stack_top;
    std::memcpy(tss + 4, &top, 8);    // RSP0
    std::memcpy(tss + 0x24, &top, 8); // IST1
    uint16_t iomap = 0x68;
    std::memcpy(tss + 0x66, &iomap, 2);
    for (unsigned port = first_open_port; port <= last_open_port; ++port)
        tss[0x68 + port / 8] &= uint8_t(~(1u << (port % 8)));
    mem.write(tss_gpa, tss, "TSS");
}

void build_idt_and_stubs(const GuestMemory& mem, uint64_t gate_gpa) {
    size_t stubs_len = size_t(ukmon_fault_stubs_end - ukmon_fault_stubs);
    auto dst = mem.span(stubs_gpa, stubs_len, "fault stubs");
    std::memcpy(dst.data(), ukmon_fault_stubs, stubs_len);
    for (unsigned v = 0; v < exception_vectors; ++v) {
        uint64_t handler = stubs_gpa + v * stub_stride;
        uint64_t lo = (handler & 0xFFFF) | (uint64_t(kernel_cs) << 16) | (1ull << 32) /* IST1 */ |
                      (0x8Eull << 40) /* present interrupt gate, DPL0 */ | ((handler >> 16 & 0xFFFF) << 48);
        uint64_t hi = handler >> 32;
        mem.write(idt_gpa + 16 * v, lo, "IDT");
        mem.write(idt_gpa + 16 * v + 8, hi, "IDT");
    }
    size_t gate_len = size_t(ukmon_gate_code_end - ukmon_gate_code);
    auto gate = mem.span(gate_gpa, gate_len, "gate");
    std::memcpy(gate.data(), ukmon_gate_code, gate_len);
}

}  // namespace

CpuSetup build_long_mode(const GuestMemory& mem, const GuestRights& rights, uint64_t mem_size, bool cpl0) {
    uint64_t gate = 0;
    for (const GuestRegion& g : rights.all())
        if (g.kind == GuestRegion::Kind::gate) gate = g.start;
    if (!gate) throw std::logic_error("x86_64: the guest's rights have no gate page");
    build_page_tables(mem, rights, mem_size);
    build_gdt_tss(mem);
    build_idt_and_stubs(mem, gate);
    CpuSetup c{};
    c.cr0 = 0x80050033;  // PG, WP, NE, ET, MP, PE
    c.cr3 = pml4_gpa;
    c.cr4 = 0x620;       // OSXMMEXCPT, OSFXSR, PAE
    c.efer = 0xD01;      // NXE, LMA, LME, SCE (SYSCALL reaches our stub, not #UD)
    c.gdt_base = gdt_gpa;
    c.gdt_limit = 7 * 8 - 1;
    c.idt_base = idt_gpa;
    c.idt_limit = exception_vectors * 16 - 1;
    c.cpl = cpl0 ? 0 : 3;
    c.cs = cpl0 ? kernel_cs : user_cs;
    c.ss = cpl0 ? kernel_ds : user_ds;
    c.rflags = 0x2;  // IOPL 0: ports are opened by the TSS bitmap alone
    c.tss_limit = tss_size - 1;
    c.lstar = gate + uint64_t(ukmon_syscall_stub - ukmon_gate_code);
    c.star = uint64_t(kernel_cs) << 32;  // SYSCALL loads CS=0x08, SS=0x10
    c.sfmask = 0x4700;                   // clear TF, IF, DF, NT
    return c;
}

bool lookup_page(const GuestMemory& mem, uint64_t vaddr, PageInfo& out) {
    uint64_t table = pml4_gpa;
    out = {true, true, true};
    for (int level = 3; level >= 0; --level) {
        auto e = mem.read<uint64_t>(table + 8 * ((vaddr >> (12 + 9 * level)) & 511), "page walk");
        if (!(e & pte_present)) return false;
        out.user &= bool(e & pte_user);
        out.writable &= bool(e & pte_write);
        out.executable &= !(e & pte_nx);
        if (level == 0 || (level == 1 && (e & pte_large))) return true;
        table = e & addr_mask;
    }
    return true;
}

}  // namespace ukmon::x86
