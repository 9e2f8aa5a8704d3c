// Checking one net ring descriptor: a pure function of the descriptor (already copied out of
// the ring by value) and the NIC table. The buffers themselves are checked when the call is
// served (net_calls.hpp), as the hypercalls check them.
#pragma once
#include <cstdint>

#include <ukmon/abi.h>

#include "modules/net/net_module.hpp"

namespace ukmon::net {

struct NetRingRequest {
    const Nic* nic = nullptr;
    uint32_t op = 0;       // enum uk_netring_op
    uint64_t data = 0;     // frame, buffer or vector
    uint64_t len = 0;      // its length, or the vector's count
};

// Whether [a, a+alen) and [b, b+blen) share a byte (modulo 2^64: no sum that could wrap).
constexpr bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen) {
    return alen && blen && (a - b < blen || b - a < alen);
}

// UK_OK and `out` filled, or the status the guest gets: EBADF (handle), EINVAL (op).
// Lengths and pointers are checked when the call is served, in the hypercall's order, with
// one check more: nothing may lie on the ring itself (net_calls.hpp, Avoid).
// `nic_of(handle)` returns the attached NIC or nullptr.
template <class NicOf>
uk_status parse_net_desc(const uk_netring_desc& d, NicOf&& nic_of, NetRingRequest& out) {
    const Nic* nic = nic_of(uint64_t(d.handle));
    if (!nic) return UK_EBADF;
    const uint32_t op = d.op & ~uint32_t(UK_NETRING_QUEUED);  // the flag only tells no one waits
    if (op < UK_NETRING_WRITE || op > UK_NETRING_READV) return UK_EINVAL;
    out = NetRingRequest{nic, op, d.data, d.len};
    return UK_OK;
}

static_assert(overlaps(0, 10, 9, 1) && !overlaps(0, 10, 10, 5) && !overlaps(10, 5, 0, 10) && !overlaps(0, 0, 0, 5));
static_assert(overlaps(UINT64_MAX, 1, UINT64_MAX - 4, 8) && !overlaps(0, UINT64_MAX, UINT64_MAX, 1));
static_assert(overlaps(5, 1, 0, 10) && overlaps(0, 100, 5, 1));

}  // namespace ukmon::net
