// Checking one blk ring descriptor: a pure function of the descriptor (already copied out of
// the ring by value), the device table, the guest's memory rights and where the ring lies.
// No I/O. A descriptor that fails gets a status; nothing a guest writes can end the run.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include <ukmon/abi.h>

#include "modules/blk/blk_module.hpp"
#include "modules/blk/blk_request.hpp"
#include "monitor/guest_memory.hpp"

namespace ukmon::blk {

struct RingRequest {
    const Device* device = nullptr;
    uint32_t op = 0;                // enum uk_blkring_op
    uint64_t offset = 0;
    std::span<std::byte> data;      // empty for a flush
};

// Whether [a, a+alen) and [b, b+blen) share a byte; neither range wraps (GuestMemory checked).
constexpr bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) {
    return alen && blen && a < b + blen && b < a + alen;
}

// UK_OK and `out` filled, or the status the guest gets: EBADF (handle), EINVAL (op, range,
// alignment), EFAULT (buffer outside what the guest may read, or write for a read, or on the
// ring itself, which the I/O thread would then be writing under its own feet), EROFS.
// `device_of(handle)` returns the attached device or nullptr.
template <class DeviceOf>
uk_status parse_ring_desc(const uk_blkring_desc& d, DeviceOf&& device_of, const GuestMemory& mem,
                          uint64_t ring_gpa, RingRequest& out) {
    const Device* dev = device_of(uint64_t(d.handle));
    if (!dev) return UK_EBADF;
    out = RingRequest{dev, d.op, d.offset, {}};
    if (d.op == UK_BLKRING_FLUSH) return UK_OK;
    if (d.op != UK_BLKRING_READ && d.op != UK_BLKRING_WRITE) return UK_EINVAL;
    if (uk_status s = check_range(d.offset, d.len, dev->capacity); s != UK_OK) return s;
    // A read fills the buffer: the guest must be allowed to write it (never its own text).
    auto data = d.op == UK_BLKRING_READ ? mem.try_writable_span(d.data, d.len) : mem.try_span(d.data, d.len);
    if (!data || overlaps(d.data, d.len, ring_gpa, sizeof(uk_blkring))) return UK_EFAULT;
    if (d.op == UK_BLKRING_WRITE && dev->read_only) return UK_EROFS;
    out.data = *data;
    return UK_OK;
}

static_assert(overlaps(0, 10, 9, 1) && !overlaps(0, 10, 10, 5) && !overlaps(10, 5, 0, 10) && !overlaps(0, 0, 0, 5));

}  // namespace ukmon::blk
