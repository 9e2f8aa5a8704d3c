// GuestMemory, the one door from guest addresses to host bytes: every range is checked with
// overflow-safe arithmetic, at UINT64_MAX, at both ends, and for wrapping sums.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "monitor/error.hpp"
#include "monitor/guest_memory.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t low = 0x10000;
constexpr uint64_t size = 0x4000;
constexpr uint64_t end = low + size;
constexpr uint64_t max = UINT64_MAX;

// Guest range [low, end) backed by a vector; every byte starts as 0xAA.
struct Fixture {
    std::vector<std::byte> buf = std::vector<std::byte>(size, std::byte{0xAA});
    GuestMemory mem{buf.data(), low, end};
    std::byte* host(uint64_t gpa) { return buf.data() + (gpa - low); }
    void put(uint64_t gpa, const char* s, size_t n) { std::memcpy(host(gpa), s, n); }
};

}  // namespace

TEST_CASE("a range wholly inside guest memory maps to the matching host bytes") {
    Fixture f;
    auto whole = f.mem.try_span(low, size);
    REQUIRE(whole);
    CHECK(whole->data() == f.buf.data());
    CHECK(whole->size() == size);
    auto mid = f.mem.try_span(low + 0x123, 7);
    REQUIRE(mid);
    CHECK(mid->data() == f.host(low + 0x123));
    CHECK(mid->size() == 7);
    CHECK(f.mem.low() == low);
    CHECK(f.mem.end() == end);
}

TEST_CASE("the last byte is reachable and the byte at end is not") {
    Fixture f;
    CHECK(f.mem.try_span(end - 1, 1));
    CHECK_FALSE(f.mem.try_span(end - 1, 2));
    CHECK_FALSE(f.mem.try_span(end, 1));
    CHECK(f.mem.try_span(end - 8, 8));
    CHECK_FALSE(f.mem.try_span(end - 7, 8));
}

TEST_CASE("a zero-length range at exactly the end is allowed, one past it is not") {
    Fixture f;
    auto s = f.mem.try_span(end, 0);
    REQUIRE(s);
    CHECK(s->empty());
    CHECK_FALSE(f.mem.try_span(end + 1, 0));
    CHECK(f.mem.contains(end, 0));
    CHECK_FALSE(f.mem.contains(end + 1, 0));
}

TEST_CASE("an address just below low is refused, even with length 0") {
    Fixture f;
    CHECK_FALSE(f.mem.try_span(low - 1, 1));
    CHECK_FALSE(f.mem.try_span(low - 1, 2));  // would end inside
    CHECK_FALSE(f.mem.try_span(low - 1, 0));
    CHECK_FALSE(f.mem.try_span(0, 1));
    CHECK_FALSE(f.mem.try_span(0, end));      // covers everything, starts outside
    CHECK(f.mem.try_span(low, 0));
}

TEST_CASE("addresses and lengths at UINT64_MAX are refused without overflow") {
    Fixture f;
    CHECK_FALSE(f.mem.try_span(max, 0));
    CHECK_FALSE(f.mem.try_span(max, 1));
    CHECK_FALSE(f.mem.try_span(max, max));
    CHECK_FALSE(f.mem.try_span(low, max));
    CHECK_FALSE(f.mem.try_span(end - 1, max));
    CHECK_FALSE(f.mem.try_span(max - 0xF, 0x20));
}

TEST_CASE("a gpa+len that wraps past 2^64 back into guest memory is refused") {
    Fixture f;
    // low+0x100 + (2^64 - 0x80) wraps to low+0x80, which is inside: the sum must not be used.
    CHECK_FALSE(f.mem.try_span(low + 0x100, 0 - uint64_t(0x80)));
    // A start far above, a length that wraps to just past low.
    CHECK_FALSE(f.mem.try_span(max - 0xF, low + 0x20));
    CHECK_FALSE(f.mem.try_span(end - 1, 0 - (end - 1) + low + 1));
    CHECK_FALSE(f.mem.contains(low + 0x100, 0 - uint64_t(0x80)));
}

TEST_CASE("span() of a bad range throws GuestFault naming what, the address and the length") {
    Fixture f;
    try {
        f.mem.span(end - 4, 8, "puts data");
        FAIL("no GuestFault");
    } catch (const GuestFault& e) {
        std::string m = e.what();
        CHECK(m.find("puts data") != std::string::npos);
        CHECK(m.find("0x13ffc") != std::string::npos);
        CHECK(m.find("0x8") != std::string::npos);
    }
    CHECK_THROWS_AS(f.mem.span(max, 1), GuestFault);
    CHECK_THROWS_AS(f.mem.span(low - 1, 1), GuestFault);
    CHECK(f.mem.span(low, size).size() == size);
}

TEST_CASE("read and write round-trip a value and never touch a byte outside its range") {
    Fixture f;
    f.mem.write<uint64_t>(low + 8, 0x1122334455667788ull);
    CHECK(f.mem.read<uint64_t>(low + 8) == 0x1122334455667788ull);
    CHECK(*f.host(low + 7) == std::byte{0xAA});
    CHECK(*f.host(low + 16) == std::byte{0xAA});
    f.mem.write<uint64_t>(end - 8, 42);  // the last 8 bytes
    CHECK(f.mem.read<uint64_t>(end - 8) == 42);
}

TEST_CASE("read and write that would cross the end throw and write nothing") {
    Fixture f;
    CHECK_THROWS_AS(f.mem.read<uint64_t>(end - 7), GuestFault);
    CHECK_THROWS_AS(f.mem.write<uint64_t>(end - 7, 0), GuestFault);
    for (uint64_t a = end - 7; a < end; ++a) CHECK(*f.host(a) == std::byte{0xAA});
    CHECK_THROWS_AS(f.mem.read<uint32_t>(max - 1), GuestFault);
    CHECK_THROWS_AS(f.mem.write<uint32_t>(low - 2, 0), GuestFault);
    CHECK(*f.host(low) == std::byte{0xAA});
}

TEST_CASE("read copies the value out: a later change in guest memory does not reach it") {
    Fixture f;
    struct Req { uint64_t data, len; };
    f.mem.write(low, Req{0x1000, 16});
    Req r = f.mem.read<Req>(low);
    f.mem.write(low, Req{0xdead, 0xbeef});  // the guest changes its struct afterwards
    CHECK(r.data == 0x1000);
    CHECK(r.len == 16);
}

TEST_CASE("read_string returns the bytes before the NUL when the NUL is within max+1 bytes") {
    Fixture f;
    f.put(low + 0x100, "hello", 6);
    CHECK(f.mem.read_string(low + 0x100, 100) == "hello");
    CHECK(f.mem.read_string(low + 0x100, 5) == "hello");      // exactly max characters
    CHECK_FALSE(f.mem.read_string(low + 0x100, 4));           // longer than max: refused, not cut
    CHECK(f.mem.read_string(low + 0x100, max) == "hello");    // max+1 must not wrap to 0
    f.put(low + 0x200, "", 1);
    CHECK(f.mem.read_string(low + 0x200, 0) == "");
}

TEST_CASE("read_string refuses a string that runs off the end or starts outside") {
    Fixture f;
    f.put(end - 3, "abc", 3);  // no NUL before the end
    CHECK_FALSE(f.mem.read_string(end - 3, 100));
    CHECK_FALSE(f.mem.read_string(end - 3, max));
    f.put(end - 3, "ab", 3);   // NUL is the last byte
    CHECK(f.mem.read_string(end - 3, 100) == "ab");
    CHECK_FALSE(f.mem.read_string(end, 10));
    CHECK_FALSE(f.mem.read_string(low - 1, 10));
    CHECK_FALSE(f.mem.read_string(max, 10));
}

TEST_CASE("a sub-range maps the same host bytes and refuses what lies outside it") {
    Fixture f;
    GuestMemory sub = f.mem.sub_range(low + 0x1000, end);
    CHECK(sub.low() == low + 0x1000);
    CHECK(sub.end() == end);
    auto s = sub.try_span(low + 0x1000, 4);
    REQUIRE(s);
    CHECK(s->data() == f.host(low + 0x1000));
    CHECK_FALSE(sub.try_span(low + 0xFFF, 1));  // inside the parent, outside the sub-range
    CHECK_FALSE(sub.try_span(low, 1));
    CHECK(sub.try_span(end, 0));
    CHECK_FALSE(sub.try_span(end, 1));
    GuestMemory inner = f.mem.sub_range(low + 0x1000, low + 0x2000);
    CHECK_FALSE(inner.try_span(low + 0x2000, 1));
    CHECK(inner.try_span(low + 0x1FFF, 1));
    CHECK(inner.try_span(low + 0x2000, 0));
}

TEST_CASE("a sub-range that is not inside the memory, or is reversed, is a programming error") {
    Fixture f;
    CHECK_THROWS_AS(f.mem.sub_range(low - 1, end), std::logic_error);
    CHECK_THROWS_AS(f.mem.sub_range(low, end + 1), std::logic_error);
    CHECK_THROWS_AS(f.mem.sub_range(low + 2, low + 1), std::logic_error);
    CHECK_THROWS_AS(f.mem.sub_range(max, max), std::logic_error);
    CHECK_NOTHROW(f.mem.sub_range(end, end));
    CHECK_THROWS_AS(GuestMemory(f.buf.data(), end, low), std::logic_error);
}
