// Validation of net requests as pure functions of their fields: no I/O, no guest memory.
#pragma once
#include <cstdint>

#include <ukmon/abi.h>

namespace ukmon::net {

inline constexpr uint64_t eth_header_len = 14;  // destination, source, EtherType

// A frame to send: a whole Ethernet header, at most mtu bytes of payload. Never computes a
// sum that could wrap (mtu comes from the host and is small, but the check does not rely on it).
constexpr uk_status check_write_len(uint64_t len, uint64_t mtu) {
    if (len < eth_header_len || len - eth_header_len > mtu) return UK_EINVAL;
    return UK_OK;
}

// A receive buffer must at least hold an Ethernet header; smaller ones are refused before
// any frame is taken from the NIC.
constexpr uk_status check_read_len(uint64_t len) { return len < eth_header_len ? UK_EINVAL : UK_OK; }

// A netwritev/netreadv vector holds 1..UK_NET_BATCH_MAX frames.
constexpr uk_status check_batch_count(uint64_t count) {
    return count == 0 || count > UK_NET_BATCH_MAX ? UK_EINVAL : UK_OK;
}

static_assert(check_write_len(14, 1500) == UK_OK);
static_assert(check_write_len(1514, 1500) == UK_OK);
static_assert(check_write_len(13, 1500) == UK_EINVAL);
static_assert(check_write_len(0, 1500) == UK_EINVAL);
static_assert(check_write_len(1515, 1500) == UK_EINVAL);
static_assert(check_write_len(UINT64_MAX, 1500) == UK_EINVAL);
static_assert(check_write_len(UINT64_MAX, UINT64_MAX - 14) == UK_OK);  // no wrap either way
static_assert(check_write_len(UINT64_MAX, UINT64_MAX - 15) == UK_EINVAL);
static_assert(check_read_len(13) == UK_EINVAL);
static_assert(check_read_len(14) == UK_OK);
static_assert(check_read_len(UINT64_MAX) == UK_OK);
static_assert(check_batch_count(0) == UK_EINVAL);
static_assert(check_batch_count(1) == UK_OK);
static_assert(check_batch_count(UK_NET_BATCH_MAX) == UK_OK);
static_assert(check_batch_count(UK_NET_BATCH_MAX + 1) == UK_EINVAL);
static_assert(check_batch_count(UINT64_MAX) == UK_EINVAL);

}  // namespace ukmon::net
