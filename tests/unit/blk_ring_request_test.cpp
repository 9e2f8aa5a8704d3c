// The blk ring's descriptor check (modules/blk/blk_ring_request.hpp) as a pure function:
// every hostile field is refused with the right status, and a seeded fuzz loop of random
// descriptors never yields a request whose buffer leaves what the guest may touch, lies on
// the ring, or whose range leaves the disk.
#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "modules/blk/blk_ring_request.hpp"
#include "monitor/guest_access.hpp"

using namespace ukmon;
using namespace ukmon::blk;

namespace {

constexpr uint64_t low = 0x100000, end = 0x140000;        // the guest-visible range
constexpr uint64_t text = 0x100000, text_end = 0x110000;  // read-only to the guest
constexpr uint64_t ring_gpa = 0x120000;
constexpr uint64_t capacity = 64 * 1024;

struct Fixture {
    std::vector<std::byte> ram = std::vector<std::byte>(end - low);
    GuestAccessMap access;
    Device rw, ro;
    Fixture() {
        access.add(text, text_end, true, false);
        access.add(text_end, end, true, true);
        rw.attached = ro.attached = true;
        rw.capacity = ro.capacity = capacity;
        ro.read_only = true;
    }
    GuestMemory mem() const { return GuestMemory(const_cast<std::byte*>(ram.data()), low, end).restricted_to(&access); }
    const Device* device(uint64_t h) const { return h == 0 ? &rw : h == 1 ? &ro : nullptr; }
    uk_status parse(uk_blkring_desc d, RingRequest& r) const {
        return parse_ring_desc(d, [this](uint64_t h) { return device(h); }, mem(), ring_gpa, r);
    }
    uk_status parse(uk_blkring_desc d) const {
        RingRequest r;
        return parse(d, r);
    }
};

}  // namespace

TEST_CASE("blk ring: a good read, write and flush are accepted with the guest's own buffer") {
    Fixture f;
    RingRequest r;
    REQUIRE(f.parse({UK_BLKRING_READ, 0, 512, 0x130000, 4096}, r) == UK_OK);
    CHECK(r.device == &f.rw);
    CHECK(r.offset == 512);
    CHECK(r.data.data() == f.ram.data() + (0x130000 - low));
    CHECK(r.data.size() == 4096);
    CHECK(f.parse({UK_BLKRING_WRITE, 0, 0, text, 512}) == UK_OK);  // writing from its text: it may read it
    CHECK(f.parse({UK_BLKRING_FLUSH, 1, 0, 0, 0}) == UK_OK);
}

TEST_CASE("blk ring: hostile descriptors get EBADF, EINVAL, EFAULT or EROFS") {
    Fixture f;
    CHECK(f.parse({UK_BLKRING_READ, 7, 0, 0x130000, 512}) == UK_EBADF);
    CHECK(f.parse({0, 0, 0, 0x130000, 512}) == UK_EINVAL);
    CHECK(f.parse({99, 0, 0, 0x130000, 512}) == UK_EINVAL);
    CHECK(f.parse({UK_BLKRING_READ, 0, 1, 0x130000, 512}) == UK_EINVAL);
    CHECK(f.parse({UK_BLKRING_READ, 0, 0, 0x130000, 0}) == UK_EINVAL);
    CHECK(f.parse({UK_BLKRING_READ, 0, capacity, 0x130000, 512}) == UK_EINVAL);
    CHECK(f.parse({UK_BLKRING_READ, 0, UINT64_MAX - 511, 0x130000, 512}) == UK_EINVAL);
    CHECK(f.parse({UK_BLKRING_READ, 0, 0, 0, 512}) == UK_EFAULT);                  // below the range
    CHECK(f.parse({UK_BLKRING_READ, 0, 0, end - 256, 512}) == UK_EFAULT);          // straddles the end
    CHECK(f.parse({UK_BLKRING_READ, 0, 0, UINT64_MAX - 255, 512}) == UK_EFAULT);   // wraps
    CHECK(f.parse({UK_BLKRING_READ, 0, 0, text, 512}) == UK_EFAULT);               // into its read-only text
    CHECK(f.parse({UK_BLKRING_READ, 0, 0, ring_gpa, 512}) == UK_EFAULT);           // onto the ring
    CHECK(f.parse({UK_BLKRING_WRITE, 0, 0, ring_gpa - 256, 512}) == UK_EFAULT);    // its first bytes
    CHECK(f.parse({UK_BLKRING_WRITE, 0, 0, ring_gpa + sizeof(uk_blkring) - 512, 1024}) == UK_EFAULT);  // its last
    CHECK(f.parse({UK_BLKRING_WRITE, 0, 0, ring_gpa + sizeof(uk_blkring), 512}) == UK_OK);             // just after
    CHECK(f.parse({UK_BLKRING_WRITE, 1, 0, 0x130000, 512}) == UK_EROFS);
    CHECK(f.parse({UK_BLKRING_READ, 1, 0, 0x130000, 512}) == UK_OK);
}

TEST_CASE("blk ring fuzz: no accepted descriptor reaches outside the guest's rights, onto the ring or off the disk") {
    Fixture f;
    std::mt19937_64 rng(15);
    const uint64_t interesting[] = {0, 1, 511, 512, 4096, low, text_end - 512, ring_gpa, ring_gpa + 64, end - 512, end,
                                    capacity - 512, capacity, UINT64_MAX, UINT64_MAX - 511, 1ull << 63};
    auto pick = [&]() -> uint64_t {
        switch (rng() % 4) {
            case 3: return (rng() % 512) * 512 + (rng() % 2 ? low : 0);  // aligned, often in range
            case 0: return interesting[rng() % std::size(interesting)];
            case 1: return interesting[rng() % std::size(interesting)] + (rng() % 2048) - 1024;
            default: return rng();
        }
    };
    size_t accepted = 0;
    for (int i = 0; i < 200000; ++i) {
        uk_blkring_desc d{uint32_t(rng() % 5), uint32_t(rng() % 3), pick(), pick(),
                            rng() % 4 ? (rng() % 16 + 1) * 512 : pick()};
        RingRequest r;
        if (f.parse(d, r) != UK_OK || d.op == UK_BLKRING_FLUSH) continue;
        ++accepted;
        const uint64_t gpa = low + uint64_t(r.data.data() - f.ram.data());
        REQUIRE(gpa == d.data);
        REQUIRE(r.data.size() == d.len);
        REQUIRE(gpa >= text_end - (d.op == UK_BLKRING_WRITE ? text_end - text : 0));
        REQUIRE(gpa + d.len <= end);
        REQUIRE(!overlaps(gpa, d.len, ring_gpa, sizeof(uk_blkring)));
        REQUIRE(d.offset % 512 == 0);
        REQUIRE(d.len % 512 == 0);
        REQUIRE(d.offset + d.len <= capacity);
        REQUIRE(!(d.op == UK_BLKRING_WRITE && r.device->read_only));
    }
    CHECK(accepted > 100);  // the loop exercised the accepting path too
}
