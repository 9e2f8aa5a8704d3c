// See kernel_entry.hpp.
#include "arch/x86_64/kernel_entry.hpp"

#include <string>

#include "monitor/error.hpp"

namespace ukmon::x86 {
namespace {

constexpr uint64_t P = 1, RW = 2, US = 4, PS = 0x80;
constexpr uint64_t two_mib = 2ull << 20;

}  // namespace

KernelSetup build_kernel_entry(const GuestMemory& mem, uint64_t tables, uint64_t mem_size) {
    if (mem_size > (1ull << 30) || mem_size % two_mib != 0)
        throw UsageError("a supervisor-mode guest gets at most 1 GiB here, in 2 MiB steps (--mem=" +
                         std::to_string(mem_size >> 20) + "M)");
    const uint64_t gdt = tables, pml4 = tables + 0x1000, pdpt = tables + 0x2000, pd = tables + 0x3000;
    auto zero = mem.span(tables, 0x4000, "kernel tables");
    std::fill(zero.begin(), zero.end(), std::byte{0});
    mem.write<uint64_t>(pml4, pdpt | P | RW | US, "PML4");
    mem.write<uint64_t>(pdpt, pd | P | RW | US, "PDPT");
    for (uint64_t i = 0; i < mem_size / two_mib; ++i)
        mem.write<uint64_t>(pd + i * 8, (i * two_mib) | P | RW | US | PS, "PD");
    // GDT: null, 0x08 64-bit code, 0x10 data, 0x18 a 16-byte TSS descriptor (TSS at +0x800).
    const uint64_t tss = gdt + 0x800, tss_limit = 0x67;
    mem.write<uint64_t>(gdt + 0x08, 0x00AF9A000000FFFFull, "GDT");
    mem.write<uint64_t>(gdt + 0x10, 0x00CF92000000FFFFull, "GDT");
    uint64_t lo = tss_limit | ((tss & 0xFFFFFF) << 16) | (0x8Bull << 40) | (((tss >> 24) & 0xFF) << 56);
    mem.write<uint64_t>(gdt + 0x18, lo, "GDT");
    mem.write<uint64_t>(gdt + 0x20, tss >> 32, "GDT");
    mem.write<uint32_t>(tss + 0x66, 0x68, "TSS");  // I/O bitmap base past the limit: no bitmap
    KernelSetup k{};
    k.cr0 = 0x80000023;  // PG | NE | MP | PE: SSE usable (EM clear)
    k.cr3 = pml4;
    k.cr4 = 0x620;       // OSXMMEXCPT | OSFXSR | PAE
    k.efer = 0x500;      // LMA | LME
    k.gdt_base = gdt;
    k.gdt_limit = 0x27;
    k.tss_base = tss;
    k.tss_limit = tss_limit;
    k.cs = 0x08;
    k.ds = 0x10;
    k.tr = 0x18;
    k.rflags = 0x2;
    return k;
}

}  // namespace ukmon::x86
