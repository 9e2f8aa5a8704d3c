// Guest allocator core (guest-abi/lib/heap.c): alignment, reuse, exhaustion, overflow safety
// and structural consistency under random use.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "heap.h"

namespace {

// An arena of the given size on the host heap, 16-byte aligned so its capacity is exact.
struct Arena {
    std::vector<unsigned char> storage;
    unsigned char *start;
    size_t size;
    uk_heap heap{};

    explicit Arena(size_t bytes) : storage(bytes + 16), size(bytes)
    {
        uintptr_t a = reinterpret_cast<uintptr_t>(storage.data());
        start = storage.data() + ((16 - a % 16) % 16);
        uk_heap_init(&heap, start, start + size);
    }

    // The largest request a fresh arena of this size can satisfy: one block spanning all
    // of it but the 16-byte end marker, less that block's own 16-byte header.
    size_t whole() const { return size - 32; }

    bool contains(const void *p, size_t n) const
    {
        auto a = static_cast<const unsigned char *>(p);
        return a >= start && a + n <= start + size;
    }
};

bool aligned16(const void *p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

} // namespace

TEST_CASE("a fresh heap can hand out its whole arena as one block, and not a byte more")
{
    Arena a(64 * 1024);
    CHECK(uk_heap_check(&a.heap) == 0);
    CHECK(uk_heap_alloc(&a.heap, a.whole() + 1) == nullptr);
    void *p = uk_heap_alloc(&a.heap, a.whole());
    REQUIRE(p != nullptr);
    CHECK(a.contains(p, a.whole()));
    CHECK(uk_heap_alloc(&a.heap, 0) == nullptr);
    CHECK(uk_heap_check(&a.heap) == 0);
}

TEST_CASE("every block is 16-byte aligned, inside the arena, and disjoint from the others")
{
    Arena a(256 * 1024);
    std::vector<std::pair<unsigned char *, size_t>> blocks;
    for (size_t size = 0; size < 300; size++) {
        auto *p = static_cast<unsigned char *>(uk_heap_alloc(&a.heap, size));
        REQUIRE(p != nullptr);
        CHECK(aligned16(p));
        CHECK(a.contains(p, size));
        std::memset(p, static_cast<int>(size & 0xff), size);
        blocks.emplace_back(p, size);
    }
    // Had any two blocks overlapped, a later fill would have overwritten an earlier one.
    for (auto [p, size] : blocks)
        for (size_t i = 0; i < size; i++)
            REQUIRE(p[i] == static_cast<unsigned char>(size & 0xff));
    CHECK(uk_heap_check(&a.heap) == 0);
}

TEST_CASE("size 0 gives distinct live blocks that can be freed")
{
    Arena a(4096);
    void *p = uk_heap_alloc(&a.heap, 0), *q = uk_heap_alloc(&a.heap, 0);
    REQUIRE(p != nullptr);
    REQUIRE(q != nullptr);
    CHECK(p != q);
    uk_heap_free(&a.heap, p);
    uk_heap_free(&a.heap, q);
    CHECK(a.heap.invalid_frees == 0);
    CHECK(uk_heap_check(&a.heap) == 0);
}

TEST_CASE("after fragmenting frees in any order, coalescing makes the whole arena one block")
{
    for (int order = 0; order < 3; order++) {
        Arena a(64 * 1024);
        std::vector<void *> ps;
        for (void *p; (p = uk_heap_alloc(&a.heap, 24 + ps.size() % 100)) != nullptr;)
            ps.push_back(p);
        REQUIRE(ps.size() > 100);
        CHECK(uk_heap_alloc(&a.heap, 4096) == nullptr);
        if (order == 0) { // forwards, odd then even: every free block is isolated first
            for (size_t i = 1; i < ps.size(); i += 2) uk_heap_free(&a.heap, ps[i]);
            CHECK(uk_heap_alloc(&a.heap, 4096) == nullptr); // only small holes so far
            for (size_t i = 0; i < ps.size(); i += 2) uk_heap_free(&a.heap, ps[i]);
        } else if (order == 1) { // backwards
            for (size_t i = ps.size(); i-- > 0;) uk_heap_free(&a.heap, ps[i]);
        } else { // shuffled
            std::mt19937 rng(7);
            std::shuffle(ps.begin(), ps.end(), rng);
            for (void *p : ps) uk_heap_free(&a.heap, p);
        }
        INFO("order ", order);
        CHECK(uk_heap_check(&a.heap) == 0);
        CHECK(uk_heap_alloc(&a.heap, a.whole()) != nullptr);
    }
}

TEST_CASE("an exhausted heap returns NULL, stays consistent, and recovers after a free")
{
    Arena a(16 * 1024);
    std::vector<void *> ps;
    for (void *p; (p = uk_heap_alloc(&a.heap, 100)) != nullptr;)
        ps.push_back(p);
    CHECK(uk_heap_alloc(&a.heap, 100) == nullptr);
    size_t big = ps.size();
    for (void *p; (p = uk_heap_alloc(&a.heap, 1)) != nullptr;) // the leftover below 100
        ps.push_back(p);
    CHECK(ps.size() - big <= 3);
    CHECK(uk_heap_alloc(&a.heap, 1) == nullptr);
    CHECK(uk_heap_alloc(&a.heap, 0) == nullptr);
    CHECK(uk_heap_check(&a.heap) == 0);
    uk_heap_free(&a.heap, ps[big / 2]);
    CHECK(uk_heap_alloc(&a.heap, 100) != nullptr);
    CHECK(uk_heap_check(&a.heap) == 0);
}

TEST_CASE("sizes near SIZE_MAX return NULL instead of wrapping to a small block")
{
    Arena a(64 * 1024);
    for (size_t size : {SIZE_MAX, SIZE_MAX - 8, SIZE_MAX - 15, SIZE_MAX - 16, SIZE_MAX - 31,
                        SIZE_MAX - 32, SIZE_MAX / 2 + 1, size_t{1} << 40}) {
        INFO("size ", size);
        CHECK(uk_heap_alloc(&a.heap, size) == nullptr);
    }
    auto *p = static_cast<unsigned char *>(uk_heap_alloc(&a.heap, 64));
    REQUIRE(p != nullptr);
    std::memset(p, 0xab, 64);
    for (size_t size : {SIZE_MAX, SIZE_MAX - 8, SIZE_MAX - 31})
        CHECK(uk_heap_realloc(&a.heap, p, size) == nullptr);
    for (int i = 0; i < 64; i++) // a failed realloc leaves the block and its contents alone
        REQUIRE(p[i] == 0xab);
    uk_heap_free(&a.heap, p);
    CHECK(a.heap.invalid_frees == 0);
    CHECK(uk_heap_check(&a.heap) == 0);
}

TEST_CASE("realloc keeps the contents when it grows, moves or shrinks a block")
{
    Arena a(64 * 1024);
    auto *p = static_cast<unsigned char *>(uk_heap_alloc(&a.heap, 40));
    REQUIRE(p != nullptr);
    for (int i = 0; i < 40; i++) p[i] = static_cast<unsigned char>(i);

    // Nothing above it is in use, so it grows in place.
    auto *q = static_cast<unsigned char *>(uk_heap_realloc(&a.heap, p, 1000));
    REQUIRE(q != nullptr);
    CHECK(q == p);
    for (int i = 0; i < 40; i++) REQUIRE(q[i] == i);

    // A block right above it forces a move.
    void *wall = uk_heap_alloc(&a.heap, 16);
    REQUIRE(wall != nullptr);
    for (int i = 0; i < 1000; i++) q[i] = static_cast<unsigned char>(i * 7);
    auto *r = static_cast<unsigned char *>(uk_heap_realloc(&a.heap, q, 5000));
    REQUIRE(r != nullptr);
    CHECK(r != q);
    CHECK(aligned16(r));
    for (int i = 0; i < 1000; i++) REQUIRE(r[i] == static_cast<unsigned char>(i * 7));

    // Shrinking keeps the prefix and the pointer, and frees the tail for others.
    auto *s = static_cast<unsigned char *>(uk_heap_realloc(&a.heap, r, 10));
    CHECK(s == r);
    for (int i = 0; i < 10; i++) REQUIRE(s[i] == static_cast<unsigned char>(i * 7));
    CHECK(uk_heap_check(&a.heap) == 0);

    // realloc(NULL, n) allocates; realloc(p, 0) keeps a minimal live block.
    void *t = uk_heap_realloc(&a.heap, nullptr, 32);
    REQUIRE(t != nullptr);
    void *u = uk_heap_realloc(&a.heap, t, 0);
    CHECK(u == t);
    uk_heap_free(&a.heap, u);
    uk_heap_free(&a.heap, s);
    uk_heap_free(&a.heap, wall);
    CHECK(a.heap.invalid_frees == 0);
    CHECK(uk_heap_check(&a.heap) == 0);
    CHECK(uk_heap_alloc(&a.heap, a.whole()) != nullptr);
}

TEST_CASE("double, interior and foreign frees are refused, counted, and change nothing")
{
    Arena a(8192);
    auto *p = static_cast<unsigned char *>(uk_heap_alloc(&a.heap, 64));
    void *q = uk_heap_alloc(&a.heap, 64);
    REQUIRE(p != nullptr);
    REQUIRE(q != nullptr);
    uk_heap_free(&a.heap, p);
    CHECK(a.heap.invalid_frees == 0);
    uk_heap_free(&a.heap, p); // double free
    CHECK(a.heap.invalid_frees == 1);
    uk_heap_free(&a.heap, static_cast<unsigned char *>(q) + 16); // interior, still aligned
    uk_heap_free(&a.heap, static_cast<unsigned char *>(q) + 1);  // interior, unaligned
    alignas(16) static unsigned char elsewhere[64];
    uk_heap_free(&a.heap, elsewhere + 16); // not in the arena
    CHECK(a.heap.invalid_frees == 4);
    CHECK(uk_heap_realloc(&a.heap, p, 10) == nullptr); // realloc of a freed block
    CHECK(a.heap.invalid_frees == 5);
    uk_heap_free(&a.heap, nullptr); // free(NULL) is fine
    CHECK(a.heap.invalid_frees == 5);
    CHECK(uk_heap_check(&a.heap) == 0);
    uk_heap_free(&a.heap, q);
    CHECK(a.heap.invalid_frees == 5);
    CHECK(uk_heap_alloc(&a.heap, a.whole()) != nullptr);
}

TEST_CASE("an arena too small for a block, or reversed, gives a heap that only returns NULL")
{
    alignas(16) static unsigned char tiny[64];
    for (size_t n : {size_t{0}, size_t{16}, size_t{47}}) {
        uk_heap h;
        uk_heap_init(&h, tiny, tiny + n);
        CHECK(uk_heap_alloc(&h, 0) == nullptr);
        CHECK(uk_heap_alloc(&h, 1) == nullptr);
        CHECK(uk_heap_check(&h) == 0);
    }
    uk_heap h;
    uk_heap_init(&h, tiny + 64, tiny);
    CHECK(uk_heap_alloc(&h, 1) == nullptr);
    // 48 bytes fit one minimal block and the end marker.
    uk_heap_init(&h, tiny, tiny + 48);
    CHECK(uk_heap_alloc(&h, 16) != nullptr);
    CHECK(uk_heap_alloc(&h, 0) == nullptr);
    CHECK(uk_heap_check(&h) == 0);
}

TEST_CASE("an unaligned arena is trimmed to 16-byte bounds and still yields aligned blocks")
{
    Arena a(4096);
    uk_heap h;
    uk_heap_init(&h, a.start + 3, a.start + 4096 - 5);
    void *p = uk_heap_alloc(&h, 100);
    REQUIRE(p != nullptr);
    CHECK(aligned16(p));
    CHECK(p >= a.start + 3);
    CHECK(uk_heap_alloc(&h, 4096 - 16 - 32 - 32) == nullptr); // the trimmed bytes are gone
    CHECK(uk_heap_check(&h) == 0);
}

TEST_CASE("the checker notices a corrupted block header")
{
    Arena a(4096);
    auto *p = static_cast<unsigned char *>(uk_heap_alloc(&a.heap, 64));
    REQUIRE(p != nullptr);
    REQUIRE(uk_heap_check(&a.heap) == 0);
    size_t saved;
    std::memcpy(&saved, p - 16, sizeof saved);
    size_t bogus = 48 | 1; // a plausible but wrong size: the next header no longer matches
    std::memcpy(p - 16, &bogus, sizeof bogus);
    CHECK(uk_heap_check(&a.heap) != 0);
    uk_heap_free(&a.heap, p); // and free refuses it rather than trusting the header
    CHECK(a.heap.invalid_frees == 1);
    std::memcpy(p - 16, &saved, sizeof saved);
    CHECK(uk_heap_check(&a.heap) == 0);
}

TEST_CASE("10000 random allocs, reallocs and frees keep every block's contents and the heap "
          "consistent")
{
    Arena a(512 * 1024);
    std::mt19937_64 rng(0x0c0ffee);
    struct Live {
        size_t size;
        unsigned char tag;
    };
    std::map<unsigned char *, Live> live;
    unsigned char next_tag = 1;
    auto fill = [](unsigned char *p, size_t n, unsigned char tag) { std::memset(p, tag, n); };
    auto intact = [](const unsigned char *p, size_t n, unsigned char tag) {
        for (size_t i = 0; i < n; i++)
            if (p[i] != tag) return false;
        return true;
    };
    auto random_size = [&]() -> size_t {
        switch (rng() % 8) {
        case 0: return rng() % 16;
        case 1: return 4096 + rng() % 16384; // occasionally large
        default: return rng() % 256;
        }
    };
    auto pick = [&]() {
        auto it = live.begin();
        std::advance(it, static_cast<long>(rng() % live.size()));
        return it;
    };
    size_t failed_allocs = 0;
    for (int op = 0; op < 10000; op++) {
        unsigned kind = static_cast<unsigned>(rng() % 10);
        if (live.empty() || kind < 5) {
            size_t n = random_size();
            auto *p = static_cast<unsigned char *>(uk_heap_alloc(&a.heap, n));
            if (p == nullptr) {
                failed_allocs++;
            } else {
                REQUIRE(aligned16(p));
                REQUIRE(a.contains(p, n));
                REQUIRE(live.count(p) == 0);
                fill(p, n, next_tag);
                live[p] = {n, next_tag++};
            }
        } else if (kind < 8) {
            auto it = pick();
            REQUIRE(intact(it->first, it->second.size, it->second.tag));
            uk_heap_free(&a.heap, it->first);
            live.erase(it);
        } else {
            auto it = pick();
            Live old = it->second;
            size_t n = random_size();
            auto *q = static_cast<unsigned char *>(uk_heap_realloc(&a.heap, it->first, n));
            if (q == nullptr) {
                failed_allocs++;
                REQUIRE(intact(it->first, old.size, old.tag));
            } else {
                REQUIRE(aligned16(q));
                REQUIRE(intact(q, std::min(n, old.size), old.tag));
                live.erase(it);
                REQUIRE(live.count(q) == 0);
                fill(q, n, next_tag);
                live[q] = {n, next_tag++};
            }
        }
        if (next_tag == 0) next_tag = 1;
        int rc = uk_heap_check(&a.heap);
        if (rc != 0) {
            INFO("after op ", op);
            REQUIRE(rc == 0);
        }
    }
    CHECK(a.heap.invalid_frees == 0);
    CHECK(live.size() > 10); // the sequence really exercised a populated heap
    for (auto &[p, l] : live) {
        REQUIRE(intact(p, l.size, l.tag));
        uk_heap_free(&a.heap, p);
    }
    CHECK(uk_heap_check(&a.heap) == 0);
    CHECK(uk_heap_alloc(&a.heap, a.whole()) != nullptr);
    CHECK(failed_allocs > 0); // exhaustion happened along the way, and was survived
}
