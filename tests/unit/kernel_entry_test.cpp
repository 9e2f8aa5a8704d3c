// The CPU state for a supervisor-mode guest (Solo5 hvt), built into a vector: identity-mapped
// 2 MiB pages with U/S at every level (PVM's condition for native CPL0), a GDT with 64-bit
// kernel code and data and a TSS; more than 1 GiB is refused in one line.
#include <doctest/doctest.h>

#include <cstring>
#include <vector>

#include "arch/x86_64/kernel_entry.hpp"
#include "monitor/error.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t tables = 0x1000;

uint64_t at(const std::vector<std::byte>& m, uint64_t off) {
    uint64_t v;
    std::memcpy(&v, m.data() + off, 8);
    return v;
}

}  // namespace

TEST_CASE("kernel entry: identity 2 MiB pages, present+writable+user at every level, over all of memory") {
    const uint64_t size = 64ull << 20;
    std::vector<std::byte> buf(size);
    GuestMemory mem(buf.data(), 0, size);
    x86::KernelSetup k = x86::build_kernel_entry(mem, tables, size);
    CHECK(k.cr3 == tables + 0x1000);
    CHECK((k.cr0 & 0x80000001) == 0x80000001);  // paging, protection
    CHECK((k.cr0 & 4) == 0);                    // EM clear: SSE usable
    CHECK((k.cr4 & 0x220) == 0x220);            // PAE, OSFXSR
    CHECK((k.efer & 0x500) == 0x500);           // long mode
    uint64_t pml4e = at(buf, k.cr3);
    CHECK((pml4e & 7) == 7);
    uint64_t pdpte = at(buf, pml4e & ~0xFFFull);
    CHECK((pdpte & 7) == 7);
    uint64_t pd = pdpte & ~0xFFFull;
    for (uint64_t i = 0; i < size / (2ull << 20); ++i) {
        uint64_t e = at(buf, pd + i * 8);
        CHECK((e & 0x87) == 0x87);                               // P RW US PS
        CHECK((e & ~0xFFFull & ((1ull << 52) - 1)) == i * (2ull << 20));  // identity
    }
    CHECK(at(buf, pd + (size / (2ull << 20)) * 8) == 0);  // nothing past the end
    CHECK(at(buf, k.gdt_base + 0x08) == 0x00AF9A000000FFFFull);  // 64-bit DPL0 code
    CHECK(k.cs == 0x08);
    CHECK(k.ds == 0x10);
    CHECK(k.tr == 0x18);
    CHECK(k.tss_base >= tables);
    CHECK(k.tss_base + k.tss_limit < tables + 0x1000);
}

TEST_CASE("kernel entry: more than 1 GiB, or not 2 MiB steps, is refused in one line") {
    std::vector<std::byte> buf(0x10000);
    GuestMemory mem(buf.data(), 0, buf.size());
    CHECK_THROWS_AS(x86::build_kernel_entry(mem, tables, (1ull << 30) + (2ull << 20)), UsageError);
    CHECK_THROWS_AS(x86::build_kernel_entry(mem, tables, 3ull << 20), UsageError);
    try {
        x86::build_kernel_entry(mem, tables, 2ull << 30);
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("at most 1 GiB") != std::string::npos);
    }
}
