// The net calls the hypercalls and the net ring's thread share (modules/net/net_calls.hpp), on
// a datagram socket pair standing in for a TAP (one frame per datagram): nothing may lie on
// the ring (EFAULT, and nothing sent or taken), lengths are still checked first, and a batch
// stops at its first failure with every done_len written back.
#include <doctest/doctest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <vector>

#include "modules/net/net_calls.hpp"
#include "monitor/guest_access.hpp"

using namespace ukmon;
using namespace ukmon::net;

namespace {

constexpr uint64_t low = 0x100000, end = 0x110000;
constexpr uint64_t ring_gpa = low + 0x8000, frame_gpa = low + 0x1000, vec_gpa = low + 0x2000, rx_gpa = low + 0x3000;
constexpr Avoid ring{ring_gpa, sizeof(uk_netring)};

struct Fixture {
    std::vector<std::byte> ram = std::vector<std::byte>(end - low);
    GuestAccessMap access;
    GuestMemory mem;
    Nic nic;
    int peer = -1;
    std::array<uk_net_frame, UK_NET_BATCH_MAX> copy{};

    Fixture() : mem(nullptr, 0, 0) {
        access.add(low, end, true, true);
        mem = GuestMemory(ram.data(), low, end).restricted_to(&access);
        int sv[2];
        REQUIRE(::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0, sv) == 0);
        nic.attached = true;
        nic.mtu = 1500;
        nic.fd = UniqueFd(sv[0]);
        peer = sv[1];
        for (size_t i = 0; i < 64; ++i) ram[frame_gpa - low + i] = std::byte(i);
    }
    ~Fixture() { ::close(peer); }
    size_t pending() {  // datagrams the "TAP" got
        size_t n = 0;
        char b[2048];
        while (::recv(peer, b, sizeof b, 0) >= 0) ++n;
        return n;
    }
    void put_vec(size_t i, uint64_t data, uint64_t len) {
        uk_net_frame f{data, len, 7};
        std::memcpy(ram.data() + (vec_gpa - low) + i * sizeof f, &f, sizeof f);
    }
    uint64_t done_len(size_t i) {
        uk_net_frame f;
        std::memcpy(&f, ram.data() + (vec_gpa - low) + i * sizeof f, sizeof f);
        return f.done_len;
    }
};

}  // namespace

TEST_CASE("net calls: a frame, buffer or vector on the ring is EFAULT and moves nothing; lengths are checked first") {
    Fixture f;
    uint64_t done = 9;
    CHECK(write_one(f.nic, f.mem, ring_gpa + 64, 64, done, ring) == UK_EFAULT);
    CHECK(done == 0);
    CHECK(write_one(f.nic, f.mem, ring_gpa - 32, 64, done, ring) == UK_EFAULT);  // straddles its start
    CHECK(f.pending() == 0);
    CHECK(write_one(f.nic, f.mem, ring_gpa + 64, 13, done, ring) == UK_EINVAL);  // the length comes first
    CHECK(write_one(f.nic, f.mem, ring_gpa - 64, 64, done, ring) == UK_OK);      // just before it
    CHECK(done == 64);
    CHECK(f.pending() == 1);
    CHECK(write_one(f.nic, f.mem, ring_gpa + 64, 64, done, {}) == UK_OK);        // the hypercalls avoid nothing
    CHECK(f.pending() == 1);

    // A read onto the ring takes no frame from the NIC: it is still there for a good read.
    REQUIRE(::send(f.peer, "0123456789abcdefgh", 18, 0) == 18);
    CHECK(read_one(f.nic, f.mem, ring_gpa, 1514, done, ring) == UK_EFAULT);
    CHECK(read_one(f.nic, f.mem, rx_gpa, 1514, done, ring) == UK_OK);
    CHECK(done == 18);
    CHECK(read_one(f.nic, f.mem, rx_gpa, 1514, done, ring) == UK_EAGAIN);

    // A vector on the ring is EFAULT before any frame; 0 and 257 frames are EINVAL first.
    f.put_vec(0, frame_gpa, 64);
    CHECK(serve_vector(write_one, &f.nic, f.mem, ring_gpa + 100, 1, f.copy, done, ring) == UK_EFAULT);
    CHECK(serve_vector(write_one, &f.nic, f.mem, ring_gpa + 100, 0, f.copy, done, ring) == UK_EINVAL);
    CHECK(serve_vector(write_one, &f.nic, f.mem, ring_gpa + 100, UK_NET_BATCH_MAX + 1, f.copy, done, ring) == UK_EINVAL);
    CHECK(serve_vector(write_one, nullptr, f.mem, vec_gpa, 1, f.copy, done, ring) == UK_EBADF);
    CHECK(f.pending() == 0);
}

TEST_CASE("net calls: a batch stops at its first failure, and every done_len says what happened") {
    Fixture f;
    f.put_vec(0, frame_gpa, 64);
    f.put_vec(1, frame_gpa, 60);
    f.put_vec(2, ring_gpa + 8, 64);  // on the ring
    f.put_vec(3, frame_gpa, 64);     // never sent: the batch stopped before it
    uint64_t done = 9;
    CHECK(serve_vector(write_one, &f.nic, f.mem, vec_gpa, 4, f.copy, done, ring) == UK_EFAULT);
    CHECK(done == 2);
    CHECK(f.done_len(0) == 64);
    CHECK(f.done_len(1) == 60);
    CHECK(f.done_len(2) == 0);
    CHECK(f.done_len(3) == 0);
    CHECK(f.pending() == 2);

    // Reads: two frames wait, the third read finds the NIC dry.
    REQUIRE(::send(f.peer, "first frame of 20 b", 19, 0) == 19);
    REQUIRE(::send(f.peer, "second frame, longer", 20, 0) == 20);
    f.put_vec(0, rx_gpa, 1514);
    f.put_vec(1, rx_gpa + 2048, 1514);
    f.put_vec(2, rx_gpa + 4096, 1514);
    CHECK(serve_vector(read_one, &f.nic, f.mem, vec_gpa, 3, f.copy, done, ring) == UK_EAGAIN);
    CHECK(done == 2);
    CHECK(f.done_len(0) == 19);
    CHECK(f.done_len(1) == 20);
    CHECK(f.done_len(2) == 0);
}

TEST_CASE("net calls: a queued batch (each) tries every frame: a refused one drops only itself") {
    Fixture f;
    f.put_vec(0, frame_gpa, 64);
    f.put_vec(1, frame_gpa, 10);     // too short: refused
    f.put_vec(2, ring_gpa + 8, 64);  // on the ring: refused
    f.put_vec(3, frame_gpa, 60);     // still sent
    uint64_t done = 9;
    CHECK(serve_vector(write_one, &f.nic, f.mem, vec_gpa, 4, f.copy, done, ring, true) == UK_EINVAL);  // the first failure
    CHECK(done == 2);
    CHECK(f.done_len(0) == 64);
    CHECK(f.done_len(1) == 0);
    CHECK(f.done_len(2) == 0);
    CHECK(f.done_len(3) == 60);
    CHECK(f.pending() == 2);
}
