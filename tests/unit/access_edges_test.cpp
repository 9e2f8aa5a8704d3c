// Access-map edges by exactly one byte: a range is allowed only if its first and its last
// byte are, so moving either end one byte into a read-only page, a gap, the stack guard page
// or past the end of memory must flip the answer (a check that looked at the first byte, or
// at whole pages of the start only, would pass the coarser tests).
#include <doctest/doctest.h>

#include <cstdint>
#include <vector>

#include "monitor/guest_access.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "monitor/guest_memory.hpp"
#include "tests/unit/build_files.hpp"
#include "tests/unit/ukmon_rights.hpp"

using namespace ukmon;

TEST_CASE("access edges: a write whose last byte enters a read-only page is refused; one byte shorter is allowed") {
    GuestAccessMap m;
    m.add(0x1000, 0x2000, true, true);
    m.add(0x2000, 0x3000, true, false);
    CHECK(m.allows(0x1000, 0x1000, true));
    CHECK_FALSE(m.allows(0x1000, 0x1001, true));
    CHECK(m.allows(0x1fff, 1, true));
    CHECK_FALSE(m.allows(0x1fff, 2, true));
    CHECK(m.allows(0x1fff, 2, false));  // reading across is fine
    CHECK_FALSE(m.allows(0x2000, 1, true));
}

TEST_CASE("access edges: a range whose last byte enters a gap, or whose first byte is in one, is refused") {
    GuestAccessMap m;
    m.add(0x1000, 0x2000, true, false);
    m.add(0x3000, 0x4000, true, true);  // [0x2000, 0x3000) is a gap
    CHECK(m.allows(0x1000, 0x1000, false));
    CHECK_FALSE(m.allows(0x1000, 0x1001, false));
    CHECK(m.allows(0x1fff, 1, false));
    CHECK_FALSE(m.allows(0x1fff, 2, false));
    CHECK_FALSE(m.allows(0x2fff, 1, false));
    CHECK_FALSE(m.allows(0x2fff, 2, true));  // first byte in the gap, last in a writable page
    CHECK(m.allows(0x3000, 1, true));
    CHECK_FALSE(m.allows(0x0fff, 1, false));  // before the first region
    CHECK_FALSE(m.allows(0x0fff, 2, false));
    CHECK(m.allows(0x3fff, 1, true));
    CHECK_FALSE(m.allows(0x3fff, 2, true));   // past the last region
    CHECK_FALSE(m.allows(0x1000, 0x3000, false));  // spans the gap whole
}

TEST_CASE("access edges: hello's heap, stack guard page and end of memory, by one byte, through GuestMemory too") {
    constexpr uint64_t mem_size = 8ull << 20;
    std::vector<std::byte> elf = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(elf);
    GuestAccessMap access = guest_access_map(ukmon_test::ukmon_rights(img, mem_size));
    std::vector<std::byte> ram(mem_size);
    GuestMemory guest = GuestMemory(ram.data(), 0, mem_size).sub_range(layout::guest_visible_low, mem_size).restricted_to(&access);
    auto r = layout::regions(img.image_end, mem_size);
    // The last heap byte, then one more: the guard page.
    CHECK(access.allows(r.heap_end - 1, 1, true));
    CHECK_FALSE(access.allows(r.heap_end - 1, 2, true));
    CHECK_FALSE(access.allows(r.heap_end - 1, 2, false));
    CHECK(guest.try_writable_span(r.heap_end - 8, 8).has_value());
    CHECK_FALSE(guest.try_writable_span(r.heap_end - 8, 9).has_value());
    CHECK_FALSE(guest.try_span(r.heap_end - 8, 9).has_value());
    // The guard page's last byte, then the first stack byte.
    CHECK_FALSE(access.allows(r.stack_low - 1, 1, false));
    CHECK_FALSE(access.allows(r.stack_low - 1, 2, true));
    CHECK(access.allows(r.stack_low, 1, true));
    CHECK(guest.try_writable_span(r.stack_low, 8).has_value());
    CHECK_FALSE(guest.try_writable_span(r.stack_low - 1, 8).has_value());
    // The end of memory.
    CHECK(access.allows(mem_size - 1, 1, true));
    CHECK_FALSE(access.allows(mem_size - 1, 2, true));
    CHECK(guest.try_writable_span(mem_size - 8, 8).has_value());
    CHECK_FALSE(guest.try_writable_span(mem_size - 8, 9).has_value());
    // The boot area's last byte is readable; one more is the gate page, which a hypercall may not name.
    CHECK(guest.try_span(layout::gate_page - 8, 8).has_value());
    CHECK_FALSE(guest.try_span(layout::gate_page - 8, 9).has_value());
    CHECK_FALSE(guest.try_writable_span(layout::gate_page - 8, 8).has_value());
    // The last byte of the image's read-only text, then the next segment's first.
    for (const Segment& s : img.segments) {
        if (s.writable) continue;
        uint64_t end = (s.vaddr + s.memsz + layout::page - 1) & ~(layout::page - 1);
        CAPTURE(s.vaddr);
        CHECK(access.allows(end - 1, 1, false));
        CHECK_FALSE(access.allows(end - 1, 1, true));
        CHECK_FALSE(guest.try_writable_span(end - 1, 2).has_value());
    }
}
