// The aarch64 kvm backend's pure pieces, on any host (no Arm, no /dev/kvm): the stage-1 tables
// give EL0 exactly the guest's rights page by page and nothing of the monitor's; the gate and
// the vectors store where the exit decoder looks; every other MMIO access is the guest's and
// refused by name; ESR_EL1 syndromes become the fault's name and the guest's symbol.
#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "arch/aarch64/el0_layout.hpp"
#include "arch/aarch64/exception_syndrome.hpp"
#include "arch/aarch64/guest_code.hpp"
#include "arch/aarch64/kvm_exit.hpp"
#include "monitor/error.hpp"
#include "monitor/segment_loader.hpp"
#include "tests/unit/build_files.hpp"
#include "tests/unit/ukmon_rights.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t mem_size = 8ull << 20;

struct Built {
    std::vector<std::byte> elf;
    GuestImage img;
    GuestRights rights;
    std::vector<std::byte> ram;
    GuestMemory mem;
    a64::El1Setup el1;

    explicit Built(uint64_t size = mem_size)
        : elf(ukmon_test::hello_elf()), img(parse_guest_image(elf)), rights(ukmon_test::ukmon_rights(img, size)),
          ram(size, std::byte{0}), mem(ram.data(), 0, size), el1{} {
        load_segments(mem, img);
        el1 = a64::build_el0_setup(mem, rights, size);
    }
    bool mapped(uint64_t addr) {
        a64::PageInfo p{};
        return a64::lookup_page(mem, addr, p);
    }
    a64::PageInfo page(uint64_t addr) {
        a64::PageInfo p{};
        INFO("address 0x" << std::hex << addr);
        REQUIRE(a64::lookup_page(mem, addr, p));
        return p;
    }
    uint64_t gate() const {
        for (const GuestRegion& g : rights.all())
            if (g.kind == GuestRegion::Kind::gate) return g.start;
        return 0;
    }
};

// Tables need a window GiB's worth of address space mapped too: a sparse memory view that
// reaches 5 GiB would be 5 GiB of test RAM, so the window walk stops at its L3 entry.
uint64_t l3_entry_of(const GuestMemory& mem, uint64_t vaddr) {
    uint64_t l1 = mem.read<uint64_t>(a64::l1_gpa + 8 * ((vaddr >> 30) & 511));
    REQUIRE((l1 & 3) == 3);
    uint64_t l2 = mem.read<uint64_t>((l1 & 0xFFFFFFFFF000ull) + 8 * ((vaddr >> 21) & 511));
    REQUIRE((l2 & 3) == 3);
    return mem.read<uint64_t>((l2 & 0xFFFFFFFFF000ull) + 8 * ((vaddr >> 12) & 511));
}

kvm_run mmio(uint64_t addr, uint64_t value, uint32_t len = 8, bool write = true) {
    kvm_run r{};
    r.exit_reason = KVM_EXIT_MMIO;
    r.mmio.phys_addr = addr;
    r.mmio.len = len;
    r.mmio.is_write = write;
    std::memcpy(r.mmio.data, &value, 8);
    return r;
}

}  // namespace

TEST_CASE("aarch64 tables: every guest page has exactly its rights at EL0, and EL1 never executes it") {
    Built b;
    for (uint64_t a = 0; a < mem_size; a += a64::page_size) {
        INFO("address 0x" << std::hex << a);
        const GuestRegion* g = b.rights.at(a);
        a64::PageInfo p{};
        bool mapped = a64::lookup_page(b.mem, a, p);
        if (!g) {
            if (a == a64::vectors_gpa) continue;
            CHECK_FALSE(mapped);  // null page, private area, holes, stack guard
            continue;
        }
        REQUIRE(mapped);
        CHECK(p.el0_read == (g->read || g->write || g->exec));
        CHECK(p.el0_write == g->write);
        CHECK(p.el0_exec == g->exec);
        CHECK_FALSE(p.el1_exec);
        CHECK_FALSE(p.device);
        CHECK_FALSE((p.el0_write && p.el0_exec));  // W^X
    }
}

TEST_CASE("aarch64 tables: the monitor's low memory is invisible to EL0; only the vectors are mapped, EL1 read+execute") {
    Built b;
    CHECK_FALSE(b.mapped(0));
    CHECK_FALSE(b.mapped(a64::l1_gpa));
    CHECK_FALSE(b.mapped(a64::l3_pool_gpa));
    a64::PageInfo v = b.page(a64::vectors_gpa);
    CHECK_FALSE(v.el0_read);
    CHECK_FALSE(v.el0_exec);
    CHECK(v.el1_exec);
    CHECK_FALSE(b.mapped(a64::vectors_gpa + a64::page_size));
    CHECK_FALSE(b.mapped(mem_size));        // past the end of guest memory
    CHECK_FALSE(b.mapped(1ull << 39));      // outside TTBR0's range
}

TEST_CASE("aarch64 tables: the hypercall window is EL0-writable device memory, the fault window EL1-only, neither executable") {
    Built b;
    uint64_t hc = l3_entry_of(b.mem, a64::hypercall_window);
    uint64_t fw = l3_entry_of(b.mem, a64::fault_window);
    CHECK((hc & 0xFFFFFFFFF000ull) == a64::hypercall_window);
    CHECK((fw & 0xFFFFFFFFF000ull) == a64::fault_window);
    CHECK(((hc >> 6) & 3) == 1);  // AP 01: EL1 and EL0 read-write
    CHECK(((fw >> 6) & 3) == 0);  // AP 00: EL1 only
    for (uint64_t e : {hc, fw}) {
        CHECK(((e >> 2) & 7) == 1);  // MAIR index 1: device
        CHECK((e & (1ull << 53)) != 0);
        CHECK((e & (1ull << 54)) != 0);
        CHECK((e & (1ull << 10)) != 0);  // AF preset
    }
    CHECK(l3_entry_of(b.mem, a64::fault_window + a64::page_size) == 0);
}

TEST_CASE("aarch64 set-up: MMU on, 39-bit TTBR0 only, EL0 at entry with the counter readable and FP/SIMD usable") {
    Built b;
    CHECK((b.el1.sctlr & 1) == 1);
    CHECK((b.el1.tcr & 0x3F) == 25);
    CHECK((b.el1.tcr & (1ull << 23)) != 0);  // EPD1
    CHECK(b.el1.ttbr0 == a64::l1_gpa);
    CHECK(b.el1.vbar == a64::vectors_gpa);
    CHECK(b.el1.vbar % 0x800 == 0);
    CHECK((b.el1.pstate & 0xF) == 0);        // EL0t
    CHECK((b.el1.cntkctl & 2) != 0);         // EL0VCTEN
    CHECK(((b.el1.cpacr >> 20) & 3) == 3);   // FPEN
}

TEST_CASE("aarch64 set-up: more than 4 GiB of guest memory is refused, not silently overlapped by the windows") {
    std::vector<std::byte> ram(a64::page_size * 256);
    GuestMemory mem(ram.data(), 0, ram.size());
    GuestRights rights;
    rights.add({0xFF000, 0x100000, true, false, true, GuestRegion::Kind::gate});
    CHECK_THROWS_AS(a64::build_el0_setup(mem, rights, (4ull << 30) + (2ull << 20)), UsageError);
}

TEST_CASE("aarch64 gate: refuses numbers from UK_HC_MAX, stores the argument at window + 8*nr") {
    Built b;
    auto words = a64::gate_code();
    for (size_t i = 0; i < words.size(); ++i)
        CHECK(b.mem.read<uint32_t>(b.gate() + 4 * i) == words[i]);
    CHECK(words[0] == (0xF100001Fu | (uint32_t(UK_HC_MAX) << 10)));  // cmp x0, #UK_HC_MAX
    CHECK((words[1] & 0xFF00001F) == 0x54000002);                     // b.hs
    uint32_t target = 1 + ((words[1] >> 5) & 0x7FFFF);                // in words, from words[1]
    CHECK(words[target] == 0xD2C00029);                               // mov x9, #1 << 32
    CHECK(((words[target + 1] >> 10) & 0xFFF) * 8 == a64::bad_call_offset);
    CHECK(b.page(b.gate()).el0_exec);
    CHECK_FALSE(b.page(b.gate()).el0_write);
}

TEST_CASE("aarch64 vectors: entry i saves x0 and stores zero at fault_window + 8*i, then spins") {
    Built b;
    for (unsigned i = 0; i < a64::vector_entries; ++i) {
        uint64_t at = a64::vectors_gpa + i * a64::vector_stride;
        uint32_t movk = b.mem.read<uint32_t>(at + 8);
        CHECK(((movk >> 5) & 0xFFFF) == (a64::fault_window & 0xFFFF) + 8 * i);
        CHECK(b.mem.read<uint32_t>(at + 12) == 0xF900001F);  // str xzr, [x0]
        CHECK(b.mem.read<uint32_t>(at + 16) == 0x14000000);  // b .
    }
}

TEST_CASE("aarch64 exits: the gate's stores are hypercalls and refusals, the vectors' a fault report") {
    using K = a64::ExitEvent::Kind;
    auto e = a64::decode_exit(mmio(a64::hypercall_window + 8 * UK_HC_PUTS, 0x123456));
    CHECK(e.kind == K::hypercall);
    CHECK(e.nr == UK_HC_PUTS);
    CHECK(e.arg == 0x123456);
    e = a64::decode_exit(mmio(a64::hypercall_window + 8 * (UK_HC_MAX - 1), 1));
    CHECK(e.kind == K::hypercall);
    e = a64::decode_exit(mmio(a64::hypercall_window + a64::bad_call_offset, 999));
    CHECK(e.kind == K::bad_gate_call);
    CHECK(e.nr == 999);
    e = a64::decode_exit(mmio(a64::fault_window + 8 * 8, 0));
    CHECK(e.kind == K::fault);
    CHECK(e.nr == 8);
}

TEST_CASE("aarch64 exits: any other access to the windows is the guest's own and never a hypercall") {
    using K = a64::ExitEvent::Kind;
    CHECK(a64::decode_exit(mmio(a64::hypercall_window, 0, 8, false)).kind == K::window_misuse);  // a read
    CHECK(a64::decode_exit(mmio(a64::hypercall_window, 0, 4)).kind == K::window_misuse);         // 4 bytes
    CHECK(a64::decode_exit(mmio(a64::hypercall_window + 4, 0, 4)).kind == K::window_misuse);     // unaligned
    CHECK(a64::decode_exit(mmio(a64::hypercall_window + 8 * UK_HC_MAX, 0)).kind == K::window_misuse);
    CHECK(a64::decode_exit(mmio(a64::hypercall_window + 0xFF8, 0)).kind == K::window_misuse);
    CHECK(a64::decode_exit(mmio(a64::fault_window + 8 * 16, 0)).kind == K::window_misuse);
    CHECK(a64::decode_exit(mmio(a64::fault_window, 1)).kind == K::window_misuse);  // not the vectors' zero
    auto e = a64::decode_exit(mmio(a64::hypercall_window - 8, 0));
    CHECK(e.kind == K::outside_memory);
    CHECK(e.addr == a64::hypercall_window - 8);
    CHECK(a64::decode_exit(mmio(a64::fault_window + a64::page_size, 0)).kind == K::outside_memory);
    CHECK(a64::decode_exit(mmio(~0ull - 7, 0)).kind == K::outside_memory);
}

TEST_CASE("aarch64 exits: the other exit reasons") {
    using K = a64::ExitEvent::Kind;
    kvm_run r{};
    r.exit_reason = KVM_EXIT_ARM_NISV;
    r.arm_nisv.fault_ipa = a64::hypercall_window;
    auto e = a64::decode_exit(r);
    CHECK(e.kind == K::undecodable);
    CHECK(e.addr == a64::hypercall_window);
    r = kvm_run{};
    r.exit_reason = KVM_EXIT_SYSTEM_EVENT;
    r.system_event.type = KVM_SYSTEM_EVENT_SHUTDOWN;
    e = a64::decode_exit(r);
    CHECK(e.kind == K::system_event);
    CHECK(e.code == KVM_SYSTEM_EVENT_SHUTDOWN);
    r.exit_reason = KVM_EXIT_INTR;
    CHECK(a64::decode_exit(r).kind == K::interrupted);
    r.exit_reason = KVM_EXIT_INTERNAL_ERROR;
    CHECK(a64::decode_exit(r).kind == K::internal_error);
    r.exit_reason = KVM_EXIT_HLT;
    e = a64::decode_exit(r);
    CHECK(e.kind == K::other);
    CHECK(e.code == KVM_EXIT_HLT);
}

TEST_CASE("aarch64 faults: a syndrome becomes the fault's name, the address and the guest's symbol") {
    std::vector<std::byte> elf = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(elf);
    REQUIRE_FALSE(img.functions.empty());
    const GuestSymbol& fn = img.functions.front();

    a64::VectorReport f;
    f.vector = a64::vector_sync_el0;
    f.esr = (0x24ull << 26) | (1u << 25) | (1u << 6) | 0x05;  // data abort, write, translation level 1
    f.far = 0;
    f.elr = fn.addr + 4;
    RunOutcome o = a64::describe_vector_report(f, img, nullptr);
    CHECK(o.kind == RunOutcome::Kind::crashed);
    std::string d = o.diagnosis;
    CHECK(d.find("guest crashed: data abort (EC 0x24): write of address 0x0 (translation fault, level 1)") != std::string::npos);
    CHECK(d.find("(" + fn.name + "+0x4)") != std::string::npos);
    CHECK(a64::signal_for_report(f) == SIGSEGV);

    f.esr = (0x20ull << 26) | 0x0F;  // instruction abort, permission fault level 3
    f.far = 0x200000;
    d = a64::describe_vector_report(f, img, nullptr).diagnosis;
    CHECK(d.find("instruction abort (EC 0x20): instruction fetch of address 0x200000 (permission fault, level 3)") != std::string::npos);

    f.esr = 0x0ull << 26;
    d = a64::describe_vector_report(f, img, nullptr).diagnosis;
    CHECK(d.find("guest crashed: undefined instruction (EC 0x00)") != std::string::npos);
    CHECK(a64::signal_for_report(f) == SIGILL);

    f.esr = (0x15ull << 26) | (1u << 25);  // svc #0
    f.x8 = 64;
    CHECK(a64::is_svc(f));
    d = a64::describe_vector_report(f, img, "write").diagnosis;
    CHECK(d.find("guest crashed: system call instruction, number 64 (write); a unikernel has no kernel") != std::string::npos);

    f.vector = 4;  // synchronous at EL1: the vectors themselves faulted
    CHECK_FALSE(a64::is_svc(f));
    d = a64::describe_vector_report(f, img, nullptr).diagnosis;
    CHECK(d.find("synchronous exception at EL1 (in the monitor's vectors)") != std::string::npos);
}
