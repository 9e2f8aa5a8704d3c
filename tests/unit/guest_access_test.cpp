// Hypercalls get exactly the guest's own rights (monitor/guest_access.hpp): the access map
// agrees with the kvm page tables page by page, a restricted GuestMemory refuses reads of
// pages the guest cannot read and writes of pages it cannot write, and the dispatcher refuses
// an argument struct it could not write back before any handler acts.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "arch/x86_64/long_mode.hpp"
#include "monitor/abi/ukmon/boot_info.hpp"
#include "monitor/cli.hpp"
#include "monitor/abi/ukmon/hypercalls.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/error.hpp"
#include "monitor/guest_access.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "tests/unit/build_files.hpp"
#include "tests/unit/ukmon_rights.hpp"
#include "monitor/segment_loader.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t mem_size = 8ull << 20;

struct Hello {
    std::vector<std::byte> elf = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(elf);
    GuestRights rights = ukmon_test::ukmon_rights(img, mem_size);
    GuestAccessMap access = guest_access_map(rights);
    std::vector<std::byte> ram = std::vector<std::byte>(mem_size);
    GuestMemory full{ram.data(), 0, mem_size};
    GuestMemory guest = full.sub_range(layout::guest_visible_low, mem_size).restricted_to(&access);

    const Segment& segment(bool writable, bool executable) {
        for (const Segment& s : img.segments)
            if (s.writable == writable && s.executable == executable) return s;
        FAIL("hello has no such segment");
        return img.segments[0];
    }
};

std::string fault_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const GuestFault& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("the access map gives hypercalls exactly what the kvm page tables give the guest, page by page") {
    Hello h;
    load_segments(h.full, h.img);
    x86::build_long_mode(h.full, h.rights, mem_size, false);
    for (uint64_t a = 0; a < mem_size; a += layout::page) {
        CAPTURE(a);
        x86::PageInfo info{};
        bool user = x86::lookup_page(h.full, a, info) && info.user;
        bool gate = a == layout::gate_page;  // the guest runs it; a hypercall may not name it
        CHECK(h.access.allows(a, layout::page, false) == (user && !gate));
        CHECK(h.access.allows(a, layout::page, true) == (user && info.writable));
    }
}

TEST_CASE("the access map: boot area read-only, gate none, text and rodata read-only, data/heap/stack read-write, guard none") {
    Hello h;
    auto r = layout::regions(h.img.image_end, mem_size);
    const Segment& text = h.segment(false, true);
    const Segment& data = h.segment(true, false);
    CHECK(h.access.allows(layout::boot_area, 8, false));
    CHECK_FALSE(h.access.allows(layout::boot_area, 8, true));
    CHECK_FALSE(h.access.allows(layout::gate_page, 1, false));
    CHECK(h.access.allows(text.vaddr, text.memsz, false));
    CHECK_FALSE(h.access.allows(text.vaddr, 1, true));
    CHECK(h.access.allows(data.vaddr, data.memsz, true));
    CHECK(h.access.allows(r.heap_start, r.heap_end - r.heap_start, true));
    CHECK_FALSE(h.access.allows(r.heap_end, 1, false));            // the guard page
    CHECK_FALSE(h.access.allows(r.heap_end - 8, 16, true));        // straddling into it
    CHECK(h.access.allows(r.stack_low, r.stack_top - r.stack_low, true));
    CHECK_FALSE(h.access.allows(0, 1, false));
    CHECK_FALSE(h.access.allows(0x1000, 1, false));                 // monitor-private
    CHECK_FALSE(h.access.allows(mem_size, 1, false));
}

TEST_CASE("the access map: a range crossing regions needs every one; length 0 touches nothing; no wrap") {
    GuestAccessMap m;
    m.add(0x1000, 0x2000, true, true);
    m.add(0x2000, 0x3000, true, false);
    m.add(0x4000, 0x5000, true, true);
    REQUIRE(m.size() == 3);
    CHECK(m.allows(0x1ff0, 0x20, false));
    CHECK_FALSE(m.allows(0x1ff0, 0x20, true));      // the second page is read-only
    CHECK_FALSE(m.allows(0x2ff0, 0x20, false));     // the gap at 0x3000
    CHECK(m.allows(0x3000, 0, true));               // nothing touched
    CHECK_FALSE(m.allows(UINT64_MAX, 2, false));
    CHECK_FALSE(m.allows(0x1000, UINT64_MAX, false));
    m.add(0x5000, 0x6000, true, true);              // merged with the last
    CHECK(m.size() == 3);
    CHECK(m.allows(0x4000, 0x2000, true));
    CHECK_THROWS_AS(m.add(0x100, 0x200, true, true), std::logic_error);  // out of order
}

TEST_CASE("a restricted GuestMemory refuses reads the guest cannot do and writes to its read-only pages, naming why") {
    Hello h;
    const Segment& text = h.segment(false, true);
    CHECK(h.guest.try_span(text.vaddr, 16).has_value());
    CHECK_FALSE(h.guest.try_writable_span(text.vaddr, 16).has_value());
    CHECK_FALSE(h.guest.try_span(layout::gate_page, 16).has_value());
    CHECK(h.full.try_writable_span(text.vaddr, 16).has_value());   // the monitor's own view
    std::string w = fault_of([&] { h.guest.write<uint64_t>(layout::boot_area, 1, "walltime argument"); });
    CHECK(w == "walltime argument at guest address 0xf0000, length 0x8, is not writable by the guest");
    std::string r = fault_of([&] { h.guest.read<uint64_t>(layout::gate_page, "halt argument"); });
    CHECK(r == "halt argument at guest address 0xff000, length 0x8, is not readable by the guest");
    std::string o = fault_of([&] { h.guest.read<uint64_t>(mem_size, "x"); });
    CHECK(o == "x at guest address 0x800000, length 0x8, is outside guest memory");
    CHECK_FALSE(h.guest.read_string(layout::gate_page, 16).has_value());
}

TEST_CASE("an argument struct the guest cannot write is refused before the handler acts (puts prints nothing)") {
    Hello h;
    Dispatcher d;
    register_core_hypercalls(d);
    int fds[2];
    REQUIRE(::pipe2(fds, O_NONBLOCK | O_CLOEXEC) == 0);
    RunContext ctx{h.guest, fds[1], {}, {}};
    const Segment& rodata = h.segment(false, false);
    const Segment& data = h.segment(true, false);
    // A valid puts struct, placed in read-only data by the "ELF" (the monitor's own view).
    uk_hc_puts a{};
    a.data = data.vaddr;
    a.len = 4;
    h.full.write(rodata.vaddr, a);
    h.full.write(data.vaddr, uint32_t(0x21212121));
    std::string f = fault_of([&] { d.dispatch(ctx, UK_HC_PUTS, rodata.vaddr); });
    CHECK(f.find("puts argument at guest address") == 0);
    CHECK(f.find("is not writable by the guest") != std::string::npos);
    char buf[8];
    CHECK(::read(fds[0], buf, sizeof buf) == -1);  // nothing was written
    CHECK(ctx.hypercall_counts[UK_HC_PUTS] == 0);
    // halt only reads its struct: read-only is fine.
    uk_hc_halt halt{};
    halt.status = 5;
    h.full.write(rodata.vaddr, halt);
    d.dispatch(ctx, UK_HC_HALT, rodata.vaddr);
    REQUIRE(ctx.halt.has_value());
    CHECK(ctx.halt->status == 5);
    // ... but it must be readable: the gate page is not.
    CHECK(fault_of([&] { d.dispatch(ctx, UK_HC_HALT, layout::gate_page); }) ==
          "halt argument at guest address 0xff000, length 0x20, is not readable by the guest");
    CHECK(fault_of([&] { d.dispatch(ctx, UK_HC_WALLTIME, layout::gate_page); }) ==
          "walltime argument at guest address 0xff000, length 0x18, is not writable by the guest");
    ::close(fds[0]);
    ::close(fds[1]);
}

TEST_CASE("every hypercall number has its argument struct size; none past the table") {
    CHECK(hypercall_arg_size(UK_HC_WALLTIME) == sizeof(uk_hc_walltime));
    CHECK(hypercall_arg_size(UK_HC_BLKFLUSH) == sizeof(uk_hc_blkflush));
    CHECK(hypercall_arg_size(UK_HC_NETREADV) == sizeof(uk_hc_netv));
    for (uint64_t nr = 0; nr < UK_HC_MAX; ++nr) CHECK(hypercall_arg_size(nr) >= 16);
    CHECK(hypercall_arg_size(UK_HC_MAX) == 0);
    CHECK(hypercall_arg_size(UINT64_MAX) == 0);
}

TEST_CASE("--timeout takes whole seconds 1..2^32-1 and refuses everything else with one line") {
    CHECK(parse_timeout("1") == 1);
    CHECK(parse_timeout("4294967295") == 4294967295ull);
    for (const char* bad : {"0", "", "-1", "+1", "1.5", "1s", " 1", "4294967296", "99999999999999999999"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_timeout(bad), UsageError);
    }
    CHECK(parse_cli(std::vector<std::string_view>{"--timeout=7"}, {}).timeout_seconds == 7);
    CHECK(parse_cli(std::vector<std::string_view>{}, {}).timeout_seconds == 0);
}

TEST_CASE("user input quoted in a message is printable: control characters become \\xNN") {
    CHECK(printable("plain /path") == "plain /path");
    CHECK(printable(std::string_view("a\nb\x1b[0m\x7f\0", 9)) == "a\\x0ab\\x1b[0m\\x7f\\x00");
    try {
        parse_cli(std::vector<std::string_view>{"--mem=1\n2"}, {});
        FAIL("accepted");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find('\n') == std::string::npos);
    }
    const std::vector<std::string_view> words{"block"};
    CHECK_THROWS_AS(parse_cli(std::vector<std::string_view>{"--block:a b=x"}, words), UsageError);
    CHECK_THROWS_AS(parse_cli(std::vector<std::string_view>{"--block:0123456789012345678901234567890123=x"}, words),
                    UsageError);
    CHECK(parse_cli(std::vector<std::string_view>{"--block:disk_1-a=x"}, words).device_options.size() == 1);
}
