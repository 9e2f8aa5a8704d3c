// The random hypercall (monitor/abi/ukmon/random.cpp): fills exactly the bytes asked for from
// the host kernel, never twice the same, refuses bad lengths and buffers with a status and
// leaves them untouched; its seccomp rule allows only flags 0 and short lengths.
#include <doctest/doctest.h>
#include <sys/syscall.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/abi/ukmon/hypercalls.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "monitor/abi/ukmon/random.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t mem_size = 4ull << 20;
constexpr uint64_t arg_at = 0x200000;
constexpr uint64_t data_at = 0x201000;

struct Fixture {
    std::vector<std::byte> ram = std::vector<std::byte>(mem_size);
    GuestMemory full{ram.data(), 0, mem_size};
    Dispatcher d;
    RunContext ctx{full.sub_range(layout::guest_visible_low, mem_size), -1, {}, {}};

    Fixture() { register_core_hypercalls(d); }
    int64_t random(uint64_t data, uint64_t len) {
        uk_hc_random a{};
        a.ret = -1;
        a.data = data;
        a.len = len;
        full.write(arg_at, a);
        d.dispatch(ctx, UK_HC_RANDOM, arg_at);
        return full.read<uk_hc_random>(arg_at).ret;
    }
    std::string bytes(uint64_t at, uint64_t len) const {
        return std::string(reinterpret_cast<const char*>(ram.data() + at), len);
    }
};

}  // namespace

TEST_CASE("random fills exactly len bytes, and two calls never give the same bytes") {
    Fixture f;
    std::memset(f.ram.data() + data_at, 0x5A, 2 * UK_RANDOM_MAX);
    CHECK(f.random(data_at, UK_RANDOM_MAX) == UK_OK);
    std::string first = f.bytes(data_at, UK_RANDOM_MAX);
    CHECK(first != std::string(UK_RANDOM_MAX, '\x5A'));
    CHECK(f.bytes(data_at + UK_RANDOM_MAX, UK_RANDOM_MAX) == std::string(UK_RANDOM_MAX, '\x5A'));  // not one byte more
    std::set<std::string> seen{first};
    for (int i = 0; i < 64; ++i) {
        REQUIRE(f.random(data_at, 32) == UK_OK);
        CHECK(seen.insert(f.bytes(data_at, 32)).second);
    }
    CHECK(f.random(data_at, 0) == UK_OK);
}

TEST_CASE("random refuses more than UK_RANDOM_MAX bytes with UK_EINVAL and writes nothing") {
    Fixture f;
    for (uint64_t len : {uint64_t(UK_RANDOM_MAX) + 1, uint64_t(1) << 32, UINT64_MAX}) {
        CAPTURE(len);
        CHECK(f.random(data_at, len) == UK_EINVAL);
        CHECK(f.bytes(data_at, UK_RANDOM_MAX + 1) == std::string(UK_RANDOM_MAX + 1, '\0'));
    }
}

TEST_CASE("random into memory outside the guest's reach returns UK_EFAULT and writes nothing") {
    Fixture f;
    CHECK(f.random(0, 16) == UK_EFAULT);
    CHECK(f.random(0x1000, 16) == UK_EFAULT);                        // monitor-private area
    CHECK(f.random(layout::guest_visible_low - 8, 16) == UK_EFAULT); // straddles into it
    CHECK(f.random(mem_size - 8, 16) == UK_EFAULT);                  // straddles the end
    CHECK(f.random(UINT64_MAX - 7, 16) == UK_EFAULT);                // wraps
    CHECK(f.bytes(0x1000, 16) == std::string(16, '\0'));
    CHECK(f.bytes(mem_size - 8, 8) == std::string(8, '\0'));
}

TEST_CASE("the getrandom rule allows only flags 0 and lengths below 512, which covers a full request") {
    SyscallPolicy p;
    add_random_rules(p);
    REQUIRE(p.rules().size() == 1);
    const SyscallRule& r = p.rules()[0];
    CHECK(r.nr == __NR_getrandom);
    auto holds = [&](uint64_t len, uint64_t flags) {
        uint64_t args[6] = {0, len, flags, 0, 0, 0};
        return std::all_of(r.args.begin(), r.args.end(),
                           [&](const ArgEquals& a) { return (args[a.index] & a.mask) == a.value; });
    };
    CHECK(holds(UK_RANDOM_MAX, 0));
    CHECK(holds(0, 0));
    CHECK(holds(511, 0));
    CHECK_FALSE(holds(512, 0));
    CHECK_FALSE(holds(uint64_t(1) << 40, 0));
    CHECK_FALSE(holds(16, 1));  // GRND_NONBLOCK
    CHECK_FALSE(holds(16, 2));  // GRND_RANDOM
    CHECK_FALSE(holds(16, 4));  // GRND_INSECURE
}
