// The kvm backend's long-mode structures, built into a vector (no /dev/kvm): the page
// tables give the guest exactly its rights (W^X, NX, U/S, unmapped null and guard pages),
// and decode_exit turns synthetic kvm_run exits into the right events.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include <ukmon/abi.h>

#include "arch/x86_64/kvm_exit.hpp"
#include "arch/x86_64/long_mode.hpp"
#include "monitor/abi/ukmon/boot_info.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "arch/x86_64/faults.hpp"
#include "tests/unit/build_files.hpp"
#include "tests/unit/ukmon_rights.hpp"
#include "monitor/segment_loader.hpp"

using namespace ukmon;

namespace {

struct Built {
    std::vector<std::byte> elf;
    GuestImage img;
    std::vector<std::byte> ram;
    GuestMemory mem;
    x86::CpuSetup cpu;
    layout::Regions regions;

    Built(uint64_t size, bool cpl0)
        : elf(ukmon_test::hello_elf()), img(parse_guest_image(elf)), ram(size, std::byte{0xCC}),
          mem(ram.data(), 0, size), cpu{}, regions(layout::regions(img.image_end, size)) {
        check_fits(img, size);
        load_segments(mem, img);
        cpu = x86::build_long_mode(mem, ukmon_test::ukmon_rights(img, size), size, cpl0);
    }

    x86::PageInfo page(uint64_t addr) {
        x86::PageInfo info{};
        INFO("address 0x" << std::hex << addr);
        REQUIRE(x86::lookup_page(mem, addr, info));
        return info;
    }
    bool present(uint64_t addr) {
        x86::PageInfo info{};
        return x86::lookup_page(mem, addr, info);
    }
    const Segment& segment(bool writable, bool executable) {
        for (const Segment& s : img.segments)
            if (s.writable == writable && s.executable == executable) return s;
        FAIL("the test guest has no such segment");
        return img.segments[0];
    }
};

constexpr uint64_t mem_size = 8ull << 20;

}  // namespace

TEST_CASE("guest text is user, executable and not writable") {
    Built b(mem_size, false);
    const Segment& text = b.segment(false, true);
    for (uint64_t a = text.vaddr; a < text.vaddr + text.memsz; a += layout::page) {
        auto p = b.page(a);
        CHECK(p.user);
        CHECK(p.executable);
        CHECK_FALSE(p.writable);
    }
}

TEST_CASE("guest data is user and writable but not executable; rodata is neither") {
    Built b(mem_size, false);
    const Segment& data = b.segment(true, false);
    auto d = b.page(data.vaddr);
    CHECK(d.user);
    CHECK(d.writable);
    CHECK_FALSE(d.executable);
    const Segment& ro = b.segment(false, false);
    auto r = b.page(ro.vaddr);
    CHECK(r.user);
    CHECK_FALSE(r.writable);
    CHECK_FALSE(r.executable);
}

TEST_CASE("the boot area is user read-only and not executable; the gate page is user read+exec") {
    Built b(mem_size, false);
    for (uint64_t a = layout::boot_area; a < layout::boot_area_end; a += layout::page) {
        auto p = b.page(a);
        CHECK(p.user);
        CHECK_FALSE(p.writable);
        CHECK_FALSE(p.executable);
    }
    auto g = b.page(layout::gate_page);
    CHECK(g.user);
    CHECK(g.executable);
    CHECK_FALSE(g.writable);
}

TEST_CASE("the monitor-private area (page tables, GDT, IDT, TSS, stubs) is never user-accessible") {
    Built b(mem_size, false);
    for (uint64_t a = layout::private_low; a < layout::private_end; a += layout::page) {
        x86::PageInfo p{};
        if (x86::lookup_page(b.mem, a, p)) {
            INFO("address 0x" << std::hex << a);
            CHECK_FALSE(p.user);
        }
    }
    CHECK(b.present(x86::pml4_gpa));
    auto stubs = b.page(x86::stubs_gpa);
    CHECK(stubs.executable);
    CHECK_FALSE(stubs.writable);
    auto tables = b.page(x86::pml4_gpa);
    CHECK_FALSE(tables.executable);
}

TEST_CASE("page 0 is not present, so null pointers fault") {
    Built b(mem_size, false);
    CHECK_FALSE(b.present(0));
    CHECK_FALSE(b.present(8));
    CHECK_FALSE(b.present(layout::page - 1));
}

TEST_CASE("the guard page below the stack is not present; the stack is user, writable, not executable") {
    Built b(mem_size, false);
    CHECK(b.regions.stack_top == mem_size);
    CHECK(b.regions.stack_low - b.regions.heap_end == layout::page);
    CHECK_FALSE(b.present(b.regions.heap_end));
    CHECK_FALSE(b.present(b.regions.stack_low - 1));
    for (uint64_t a : {b.regions.stack_low, b.regions.stack_top - layout::page, b.regions.stack_top - 8}) {
        auto p = b.page(a);
        CHECK(p.user);
        CHECK(p.writable);
        CHECK_FALSE(p.executable);
    }
    auto below_guard = b.page(b.regions.heap_end - 1);  // top of the heap
    CHECK(below_guard.writable);
}

TEST_CASE("the heap is user, writable and never executable, in small and large pages") {
    for (uint64_t size : std::initializer_list<uint64_t>{mem_size, 64ull << 20}) {
        CAPTURE(size);
        Built b(size, false);
        CHECK(b.regions.heap_start == layout::page_up(b.img.image_end));
        for (uint64_t a = b.regions.heap_start; a < b.regions.heap_end; a += 64 * layout::page) {
            auto p = b.page(a);
            CHECK(p.user);
            CHECK(p.writable);
            CHECK_FALSE(p.executable);
        }
    }
}

TEST_CASE("no page anywhere in guest memory is both writable and executable") {
    Built b(mem_size, false);
    for (uint64_t a = 0; a < mem_size; a += layout::page) {
        x86::PageInfo p{};
        if (x86::lookup_page(b.mem, a, p) && p.writable) {
            INFO("address 0x" << std::hex << a);
            CHECK_FALSE(p.executable);
        }
    }
}

TEST_CASE("the guest starts at CPL3 by default and at CPL0 only with --kvm-cpl0, with paging and NX on") {
    Built user(mem_size, false);
    CHECK(user.cpu.cpl == 3);
    CHECK(user.cpu.cs == x86::user_cs);
    CHECK(user.cpu.ss == x86::user_ds);
    CHECK((user.cpu.cs & 3) == 3);
    CHECK(user.cpu.cr3 == x86::pml4_gpa);
    CHECK((user.cpu.cr0 & (1u << 31)));      // PG
    CHECK((user.cpu.cr0 & (1u << 16)));      // WP: the monitor's read-only pages hold at CPL0 too
    CHECK((user.cpu.efer & (1u << 11)));     // NXE
    CHECK(((user.cpu.rflags >> 12) & 3) == 0);  // IOPL 0
    CHECK(user.cpu.idt_limit == x86::exception_vectors * 16 - 1);
    Built kernel(mem_size, true);
    CHECK(kernel.cpu.cpl == 0);
    CHECK(kernel.cpu.cs == x86::kernel_cs);
    CHECK((kernel.cpu.cs & 3) == 0);
}

TEST_CASE("the loaded segments hold the file's bytes and a zeroed tail") {
    Built b(mem_size, false);
    for (const Segment& s : b.img.segments) {
        CAPTURE(s.vaddr);
        auto m = b.mem.span(s.vaddr, s.memsz);
        CHECK(std::memcmp(m.data(), b.elf.data() + s.file_offset, s.filesz) == 0);
        bool zero_tail = true;
        for (uint64_t i = s.filesz; i < s.memsz; ++i) zero_tail &= m[i] == std::byte{0};
        CHECK(zero_tail);  // RAM started as 0xCC: the tail was really cleared
    }
}

TEST_CASE("exception names cover every vector and say unknown past 31") {
    CHECK(std::strcmp(x86::exception_name(14), "page fault (#PF)") == 0);
    CHECK(std::strcmp(x86::exception_name(13), "general protection fault (#GP)") == 0);
    CHECK(std::strcmp(x86::exception_name(32), "unknown exception") == 0);
    CHECK(std::strcmp(x86::exception_name(UINT64_MAX), "unknown exception") == 0);
}

TEST_CASE("a page-fault diagnosis says read/write/fetch, the address, mapped or not, and the function") {
    std::vector<std::byte> elf = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(elf);
    const GuestSymbol* main_fn = nullptr;
    for (const GuestSymbol& s : img.functions)
        if (s.name == "main") main_fn = &s;
    REQUIRE(main_fn);
    auto text = [&](uint64_t error_code, uint64_t addr, uint64_t rip) {
        x86::CpuFault f;
        f.vector = 14;
        f.error_code = error_code;
        f.fault_addr = addr;
        f.rip = rip;
        RunOutcome o = x86::describe_fault(f, img);
        CHECK(o.kind == RunOutcome::Kind::crashed);
        return std::string(o.diagnosis);
    };
    std::string w = text(0x6, 0x8, main_fn->addr + 4);  // user write, not present
    CHECK(w.find("page fault") != std::string::npos);
    CHECK(w.find("write") != std::string::npos);
    CHECK(w.find("0x8 ") != std::string::npos);
    CHECK(w.find("not mapped") != std::string::npos);
    CHECK(w.find("main+0x4") != std::string::npos);
    std::string p = text(0x7, 0x100000, 0x100000);      // user write, present: protection
    CHECK(p.find("protection") != std::string::npos);
    std::string x = text(0x15, 0x105010, 0x105010);     // instruction fetch, present
    CHECK(x.find("instruction fetch") != std::string::npos);
    std::string r = text(0x4, 0x20, 0x1);               // user read, not present, no symbol
    CHECK(r.find("read") != std::string::npos);
    x86::CpuFault gp;
    gp.vector = 13;
    CHECK(std::string(x86::describe_fault(gp, img).diagnosis).find("general protection") != std::string::npos);
}

// ---- decode_exit on synthetic exits ------------------------------------------------------------

namespace {

kvm_run io_exit(uint16_t port, uint8_t direction, uint8_t size = 4, uint32_t count = 1) {
    kvm_run r{};
    r.exit_reason = KVM_EXIT_IO;
    r.io.port = port;
    r.io.direction = direction;
    r.io.size = size;
    r.io.count = count;
    r.io.data_offset = 0;  // decode_exit gets the data pointer separately
    return r;
}

using K = kvm::ExitEvent::Kind;

}  // namespace

TEST_CASE("an out to a hypercall port decodes to that hypercall number and the argument address") {
    uint32_t arg = 0xF0123;
    for (uint32_t nr : {0u, uint32_t(UK_HC_PUTS), uint32_t(UK_HC_MAX - 1)}) {
        CAPTURE(nr);
        kvm_run r = io_exit(uint16_t(x86::hypercall_port_base + nr), KVM_EXIT_IO_OUT);
        auto e = kvm::decode_exit(r, &arg);
        CHECK(e.kind == K::hypercall);
        CHECK(e.nr == nr);
        CHECK(e.arg == arg);
    }
}

TEST_CASE("the port just past the last hypercall is not a hypercall") {
    uint32_t arg = 0x1000;
    kvm_run r = io_exit(uint16_t(x86::hypercall_port_base + UK_HC_MAX), KVM_EXIT_IO_OUT);
    auto e = kvm::decode_exit(r, &arg);
    CHECK(e.kind == K::unknown_port);
    CHECK(e.port == x86::hypercall_port_base + UK_HC_MAX);
}

TEST_CASE("an out to the exception port is a fault with the frame address") {
    uint32_t frame = 0xE7FC8;
    auto e = kvm::decode_exit(io_exit(x86::exception_port, KVM_EXIT_IO_OUT), &frame);
    CHECK(e.kind == K::fault);
    CHECK(e.arg == frame);
}

TEST_CASE("an out to the bad-gate-call port is a bad gate call") {
    uint32_t v = 999;
    auto e = kvm::decode_exit(io_exit(x86::bad_gate_call_port, KVM_EXIT_IO_OUT), &v);
    CHECK(e.kind == K::bad_gate_call);
}

TEST_CASE("an out to any other port is an unknown port, with the port number") {
    uint32_t v = 0;
    auto e = kvm::decode_exit(io_exit(0x3F8, KVM_EXIT_IO_OUT), &v);
    CHECK(e.kind == K::unknown_port);
    CHECK(e.port == 0x3F8);
}

TEST_CASE("an `in`, a narrow access or a string access at a hypercall port is never a hypercall") {
    uint32_t v = 0x100000;
    uint16_t port = uint16_t(x86::hypercall_port_base + UK_HC_PUTS);
    auto in = kvm::decode_exit(io_exit(port, KVM_EXIT_IO_IN), &v);
    CHECK(in.kind == K::unknown_port);
    CHECK(in.port == port);
    CHECK(kvm::decode_exit(io_exit(port, KVM_EXIT_IO_OUT, 1), &v).kind == K::unknown_port);
    CHECK(kvm::decode_exit(io_exit(port, KVM_EXIT_IO_OUT, 2), &v).kind == K::unknown_port);
    CHECK(kvm::decode_exit(io_exit(port, KVM_EXIT_IO_OUT, 4, 2), &v).kind == K::unknown_port);
    CHECK(kvm::decode_exit(io_exit(x86::exception_port, KVM_EXIT_IO_IN), &v).kind == K::unknown_port);
}

TEST_CASE("shutdown, HLT, internal error, failed entry, MMIO and signals decode to their kinds") {
    kvm_run r{};
    r.exit_reason = KVM_EXIT_SHUTDOWN;
    CHECK(kvm::decode_exit(r, nullptr).kind == K::shutdown);

    r = kvm_run{};
    r.exit_reason = KVM_EXIT_HLT;
    CHECK(kvm::decode_exit(r, nullptr).kind == K::halt_insn);

    r = kvm_run{};
    r.exit_reason = KVM_EXIT_INTERNAL_ERROR;
    r.internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
    auto ie = kvm::decode_exit(r, nullptr);
    CHECK(ie.kind == K::internal_error);
    CHECK(ie.code == KVM_INTERNAL_ERROR_EMULATION);

    r = kvm_run{};
    r.exit_reason = KVM_EXIT_FAIL_ENTRY;
    r.fail_entry.hardware_entry_failure_reason = 0x80000021;
    auto fe = kvm::decode_exit(r, nullptr);
    CHECK(fe.kind == K::fail_entry);
    CHECK(fe.code == 0x80000021);

    r = kvm_run{};
    r.exit_reason = KVM_EXIT_MMIO;
    r.mmio.phys_addr = 0xFEE00000;
    auto mm = kvm::decode_exit(r, nullptr);
    CHECK(mm.kind == K::mmio);
    CHECK(mm.arg == 0xFEE00000);

    r = kvm_run{};
    r.exit_reason = KVM_EXIT_INTR;
    CHECK(kvm::decode_exit(r, nullptr).kind == K::interrupted);
}

TEST_CASE("any other exit reason is 'other' and keeps the reason, and has a name") {
    kvm_run r{};
    r.exit_reason = KVM_EXIT_DEBUG;
    auto e = kvm::decode_exit(r, nullptr);
    CHECK(e.kind == K::other);
    CHECK(e.code == KVM_EXIT_DEBUG);
    CHECK(std::strcmp(kvm::exit_reason_name(KVM_EXIT_IO), "KVM_EXIT_IO") == 0);
    CHECK(std::strcmp(kvm::exit_reason_name(KVM_EXIT_SHUTDOWN), "KVM_EXIT_SHUTDOWN") == 0);
    CHECK(std::strcmp(kvm::exit_reason_name(9999), "unknown KVM exit") == 0);
}
