// Builds the aarch64 guest's stage-1 translation tables (4 KiB granule, 39-bit VA, identity
// map) from its rights, and writes the EL1 vectors and the gate (see el0_layout.hpp).
#include "arch/aarch64/el0_layout.hpp"

#include <stdexcept>
#include <string>

#include "arch/aarch64/guest_code.hpp"
#include "monitor/error.hpp"

namespace ukmon::a64 {
namespace {

// VMSAv8-64 descriptor bits.
constexpr uint64_t d_valid = 1ull << 0, d_table = 1ull << 1;  // table (L1/L2) or page (L3): both
constexpr uint64_t d_attr_normal = 0ull << 2, d_attr_device = 1ull << 2;  // MAIR index 0 / 1
constexpr uint64_t d_ap_el1_rw = 0ull << 6, d_ap_rw = 1ull << 6, d_ap_el1_ro = 2ull << 6, d_ap_ro = 3ull << 6;
constexpr uint64_t d_ap_mask = 3ull << 6;
constexpr uint64_t d_inner_shareable = 3ull << 8, d_af = 1ull << 10;
constexpr uint64_t d_pxn = 1ull << 53, d_uxn = 1ull << 54;
constexpr uint64_t d_addr_mask = 0x0000'FFFF'FFFF'F000ull;
constexpr uint64_t chunk = 2ull << 20;  // what one L2 entry maps
constexpr uint64_t gib = 1ull << 30;
constexpr uint64_t page = page_size;

// The leaf attributes of one page (block or page: bit 1 is added for L3), 0 if unmapped.
// Guest pages: EL0 gets exactly its rights (AP 01 read-write, 11 read-only), EL1 never
// executes them (PXN). Private memory: only the vectors, EL1 read+execute.
uint64_t leaf_attrs(uint64_t addr, const GuestRights& rights) {
    const uint64_t normal = d_valid | d_attr_normal | d_inner_shareable | d_af;
    if (const GuestRegion* g = rights.at(addr)) {
        if (!g->read && !g->write && !g->exec) return 0;
        return normal | (g->write ? d_ap_rw : d_ap_ro) | d_pxn | (g->exec ? 0 : d_uxn);
    }
    if (addr >= vectors_gpa && addr < vectors_gpa + page) return normal | d_ap_el1_ro | d_uxn;
    return 0;  // the null page, the rest of private memory, holes, the stack guard page
}

void put64(const GuestMemory& mem, uint64_t gpa, uint64_t v) { mem.write(gpa, v, "translation table"); }

class L3Pool {
public:
    explicit L3Pool(const GuestRights& rights) : rights_(rights) {}
    uint64_t take(uint64_t for_addr) {
        while (next_ < l3_pool_end && rights_.at(next_)) next_ += page;  // a guest page there
        if (next_ >= l3_pool_end)
            throw UsageError("guest image is too large for the kvm backend's translation-table area (at " +
                             std::to_string(for_addr >> 20) + " MiB)");
        uint64_t t = next_;
        next_ += page;
        return t;
    }

private:
    const GuestRights& rights_;
    uint64_t next_ = l3_pool_gpa;
};

void map_guest_memory(const GuestMemory& mem, const GuestRights& rights, uint64_t mem_size, L3Pool& pool) {
    for (uint64_t g = 0; g * gib < mem_size; ++g) put64(mem, l1_gpa + 8 * g, (l2_gpa + g * page) | d_valid | d_table);
    for (uint64_t base = 0; base < mem_size; base += chunk) {
        uint64_t l2e = l2_gpa + (base / gib) * page + ((base % gib) / chunk) * 8;
        const GuestRegion* g = rights.at(base);
        if (g && g->end >= base + chunk && base + chunk <= mem_size) {  // one region: a 2 MiB block
            if (uint64_t a = leaf_attrs(base, rights)) put64(mem, l2e, base | a);
            continue;
        }
        uint64_t l3 = pool.take(base);
        put64(mem, l2e, l3 | d_valid | d_table);
        for (uint64_t i = 0; i < 512; ++i) {
            uint64_t addr = base + i * page;
            uint64_t a = addr < mem_size ? leaf_attrs(addr, rights) : 0;
            put64(mem, l3 + 8 * i, a ? (addr | a | d_table) : 0);
        }
    }
}

// The two MMIO windows: device memory, never executable; the hypercall window EL0-writable
// (the gate, and a guest storing there itself is only a hypercall the monitor checks), the
// fault window EL1-only (a guest cannot forge a fault report).
void map_windows(const GuestMemory& mem, L3Pool& pool) {
    const uint64_t l2 = l2_gpa + (hypercall_window / gib) * page;
    put64(mem, l1_gpa + 8 * (hypercall_window / gib), l2 | d_valid | d_table);
    uint64_t l3 = pool.take(hypercall_window);
    put64(mem, l2 + 8 * ((hypercall_window % gib) / chunk), l3 | d_valid | d_table);
    const uint64_t device = d_valid | d_table | d_attr_device | d_af | d_pxn | d_uxn;
    put64(mem, l3 + 8 * ((hypercall_window % chunk) / page), hypercall_window | device | d_ap_rw);
    put64(mem, l3 + 8 * ((fault_window % chunk) / page), fault_window | device | d_ap_el1_rw);
}

void write_words(const GuestMemory& mem, uint64_t gpa, std::span<const uint32_t> words, const char* what) {
    for (size_t i = 0; i < words.size(); ++i) mem.write(gpa + 4 * i, words[i], what);
}

}  // namespace

El1Setup build_el0_setup(const GuestMemory& mem, const GuestRights& rights, uint64_t mem_size) {
    if (mem_size > max_guest_memory)
        throw UsageError("the aarch64 kvm backend takes at most 4 GiB of guest memory (--mem)");
    uint64_t gate = 0;
    for (const GuestRegion& g : rights.all())
        if (g.kind == GuestRegion::Kind::gate) gate = g.start;
    if (!gate) throw std::logic_error("aarch64: the guest's rights have no gate page");
    L3Pool pool(rights);
    map_guest_memory(mem, rights, mem_size, pool);
    map_windows(mem, pool);
    uint32_t entry[5];
    for (unsigned i = 0; i < vector_entries; ++i)
        write_words(mem, vectors_gpa + i * vector_stride, vector_entry(i, entry), "EL1 vectors");
    write_words(mem, gate, gate_code(), "gate");

    El1Setup s{};
    // MMU, caches, SP alignment checks at EL1 and EL0; EL0 may use DC ZVA (newlib's memset),
    // read CTR_EL0 and clean caches; WFI/WFE at EL0 trap (reported); the RES1 bits of v8.0.
    s.sctlr = (1ull << 0) | (1ull << 2) | (1ull << 3) | (1ull << 4) | (1ull << 12) | (1ull << 14) |
              (1ull << 15) | (1ull << 26) | (1ull << 11) | (1ull << 20) | (1ull << 22) | (1ull << 23) |
              (1ull << 28) | (1ull << 29);
    // T0SZ 25 (39-bit VA, walks start at L1), write-back inner-shareable walks, 4 KiB granule,
    // no TTBR1 walks (EPD1), 36-bit output addresses (enough for the windows on any host).
    s.tcr = 25ull | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (1ull << 32);
    s.mair = 0xFF | (0x04ull << 8);  // index 0 normal write-back, index 1 Device-nGnRE
    s.ttbr0 = l1_gpa;
    s.vbar = vectors_gpa;
    s.cntkctl = 1ull << 1;   // EL0VCTEN: EL0 reads CNTVCT_EL0 (a clock without an exit)
    s.cpacr = 3ull << 20;    // FPEN: FP/SIMD at EL0 without a trap (compilers use it)
    s.pstate = 0x3C0;        // EL0t, D A I F masked
    return s;
}

bool lookup_page(const GuestMemory& mem, uint64_t vaddr, PageInfo& out) {
    if (vaddr >> 39) return false;  // outside TTBR0's 39-bit range: a translation fault
    uint64_t table = l1_gpa;
    for (int level = 1; level <= 3; ++level) {
        unsigned shift = 12 + 9 * unsigned(3 - level);
        uint64_t e = mem.read<uint64_t>(table + 8 * ((vaddr >> shift) & 511), "translation walk");
        if (!(e & d_valid)) return false;
        bool leaf = level == 3 || !(e & d_table);
        if (!leaf) {
            table = e & d_addr_mask;
            continue;
        }
        if (level == 1 || (level == 3 && !(e & d_table))) return false;  // no 1 GiB blocks; L3 bit 1 must be set
        uint64_t ap = e & d_ap_mask;
        out.el0_read = ap == d_ap_rw || ap == d_ap_ro;
        out.el0_write = ap == d_ap_rw;
        out.el0_exec = !(e & d_uxn);
        out.el1_exec = !(e & d_pxn) && ap != d_ap_rw;  // EL0-writable is never EL1-executable
        out.device = (e & (7ull << 2)) == d_attr_device;
        return true;
    }
    return false;
}

}  // namespace ukmon::a64
