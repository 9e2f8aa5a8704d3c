// The blk ring's I/O thread without a VM (a fake doorbell): its filter is exactly what it
// needs, set-up refuses what it must, and stop() returns only once the thread has stopped.
#include <doctest/doctest.h>
#include <linux/futex.h>
#include <sys/syscall.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>
#include <set>
#include <vector>

#include "modules/blk/blk_module.hpp"
#include "modules/blk/blk_ring.hpp"
#include "monitor/guest_access.hpp"

using namespace ukmon;
using namespace ukmon::blk;

namespace {

struct FakeDoorbells final : Doorbells {
    int bound = -1;
    std::optional<uint16_t> bind(int eventfd) override {
        bound = eventfd;
        return uint16_t(0x50e);
    }
};

constexpr uint64_t low = 0x100000, end = 0x110000;

}  // namespace

TEST_CASE("blk ring thread: its filter is the device rules plus its doorbell, futex and the clock; nothing else") {
    std::vector<std::byte> ram(end - low);
    GuestAccessMap access;
    access.add(low, end, true, true);
    GuestMemory mem = GuestMemory(ram.data(), low, end).restricted_to(&access);
    std::array<Device, 2> devices{};  // none attached: the ring refuses every descriptor with EBADF
    SyscallPolicy device_rules;
    device_rules.allow(__NR_pread64, {{0, 7}}, "blk", "blkread");
    device_rules.allow(__NR_pwrite64, {{0, 7}}, "blk", "blkwrite");
    device_rules.allow(__NR_fsync, {{0, 7}}, "blk", "flush");
    device_rules.allow(__NR_openat, {}, "someone else", "not the thread's");
    FakeDoorbells doorbells;
    RingServer ring;
    ring.start(devices, mem, &doorbells, device_rules);
    REQUIRE(ring.started());
    CHECK(doorbells.bound >= 0);

    std::multiset<int> calls;
    for (const SyscallRule& r : ring.thread_policy().rules()) {
        calls.insert(r.nr);
        if (r.nr == __NR_read) CHECK(r.args.at(0).value == uint64_t(doorbells.bound));
        if (r.nr == __NR_pread64 || r.nr == __NR_pwrite64 || r.nr == __NR_fsync) CHECK(r.args.at(0).value == 7);
    }
    CHECK(calls == std::multiset<int>{__NR_pread64, __NR_pwrite64, __NR_fsync, __NR_read, __NR_futex, __NR_futex,
                                      __NR_clock_gettime});

    SyscallPolicy main_rules;  // what the run loop's filter gains
    ring.add_syscall_rules(main_rules);
    for (const SyscallRule& r : main_rules.rules()) CHECK((r.nr == __NR_write || r.nr == __NR_futex));

    uint64_t port = 0;
    CHECK(ring.setup(low + 8, port) == UK_EINVAL);             // misaligned
    CHECK(ring.setup(end - 64, port) == UK_EFAULT);            // runs off the end
    CHECK(ring.wait(1) == UK_EINVAL);                          // no ring yet
    REQUIRE(ring.setup(low, port) == UK_OK);
    CHECK(port == 0x50e);
    CHECK(ring.setup(low + 4096, port) == UK_EINVAL);          // only one
    // A descriptor for a device that is not attached: served with EBADF.
    uk_blkring_desc d{UK_BLKRING_READ, 0, 0, low + 4096, 512};
    std::memcpy(ram.data() + offsetof(uk_blkring, desc), &d, sizeof d);
    uint64_t tail = 1;
    std::memcpy(ram.data() + offsetof(uk_blkring, sq_tail), &tail, sizeof tail);
    uk_status s = UK_EAGAIN;
    for (int i = 0; i < 500 && s == UK_EAGAIN; ++i) s = ring.wait(1);
    CHECK(s == UK_OK);
    int64_t status;
    std::memcpy(&status, ram.data() + offsetof(uk_blkring, status), sizeof status);
    CHECK(status == UK_EBADF);
    ring.stop();  // returns: the thread acknowledged
    ring.stop();  // idempotent
}
