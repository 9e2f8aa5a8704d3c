// MAC addresses for NICs: parsing the --net-mac form, and the deterministic default derived
// from the device and TAP names. Pure functions, no I/O.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include <ukmon/abi.h>

namespace ukmon::net {

using Mac = std::array<uint8_t, UK_NET_MAC_LEN>;

constexpr int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Exactly six two-digit hex groups separated by ':' ("02:00:5e:10:00:01"); nullopt otherwise.
constexpr std::optional<Mac> parse_mac(std::string_view s) {
    if (s.size() != 17) return std::nullopt;
    Mac m{};
    for (size_t i = 0; i < m.size(); ++i) {
        int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':')) return std::nullopt;
        m[i] = uint8_t(hi * 16 + lo);
    }
    return m;
}

// Why a syntactically valid MAC cannot be a NIC's address, or nullptr if it can.
constexpr const char* mac_problem(const Mac& m) {
    if (m[0] & 1) return "is a multicast address (the low bit of the first byte is set); a NIC needs a unicast one";
    bool zero = true;
    for (uint8_t b : m) zero = zero && b == 0;
    return zero ? "is all zeros" : nullptr;
}

// A locally administered unicast MAC, a hash (FNV-1a 64) of the device and TAP names: the
// same guest on the same TAP keeps its address across runs, and two NICs differ.
constexpr Mac derive_mac(std::string_view device, std::string_view tap) {
    uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&h](std::string_view s) {
        for (char c : s) h = (h ^ uint8_t(c)) * 0x100000001b3ull;
        h = (h ^ 0xffu) * 0x100000001b3ull;  // separator: ("ab","c") and ("a","bc") differ
    };
    mix("ukmon-net");
    mix(device);
    mix(tap);
    Mac m{};
    for (size_t i = 0; i < m.size(); ++i) m[i] = uint8_t(h >> (8 * i));
    m[0] = uint8_t((m[0] & 0xfc) | 0x02);  // locally administered, unicast
    return m;
}

static_assert(parse_mac("02:00:5e:10:00:01") == Mac{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01});
static_assert(parse_mac("0A:bB:cc:DD:ee:FF") == Mac{0x0a, 0xbb, 0xcc, 0xdd, 0xee, 0xff});
static_assert(!parse_mac("02:00:5e:10:00"));
static_assert(!parse_mac("02:00:5e:10:00:01:"));
static_assert(!parse_mac("02-00-5e-10-00-01"));
static_assert(!parse_mac("02:00:5e:10:00:0g"));
static_assert(!parse_mac("2:00:5e:10:00:001"));
static_assert(mac_problem(Mac{0x01, 0, 0x5e, 0, 0, 1}) != nullptr);
static_assert(mac_problem(Mac{}) != nullptr);
static_assert(mac_problem(Mac{0x02, 0, 0, 0, 0, 1}) == nullptr);
static_assert(mac_problem(derive_mac("service", "tap0")) == nullptr);
static_assert((derive_mac("service", "tap0")[0] & 3) == 2);
static_assert(derive_mac("service", "tap0") == derive_mac("service", "tap0"));
static_assert(derive_mac("service", "tap0") != derive_mac("admin", "tap0"));
static_assert(derive_mac("service", "tap0") != derive_mac("service", "tap1"));
static_assert(derive_mac("ab", "c") != derive_mac("a", "bc"));

}  // namespace ukmon::net
