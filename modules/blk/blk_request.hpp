// Validation of a block request as a pure function of its fields and the device capacity:
// no I/O, no guest memory, overflow-safe at UINT64_MAX.
#pragma once
#include <cstdint>

#include <ukmon/abi.h>

#include "modules/blk/blk_module.hpp"

namespace ukmon::blk {

// UK_OK when [offset, offset+len) is a non-empty, block-aligned range inside a device of
// `capacity` bytes; UK_EINVAL otherwise. Never computes offset+len, so nothing can wrap.
constexpr uk_status check_range(uint64_t offset, uint64_t len, uint64_t capacity, uint64_t block = sector_size) {
    if (len == 0 || offset % block != 0 || len % block != 0) return UK_EINVAL;
    if (offset > capacity || len > capacity - offset) return UK_EINVAL;
    return UK_OK;
}

static_assert(check_range(0, 512, 1024) == UK_OK);
static_assert(check_range(512, 512, 1024) == UK_OK);
static_assert(check_range(0, 1024, 1024) == UK_OK);
static_assert(check_range(0, 0, 1024) == UK_EINVAL);
static_assert(check_range(1, 512, 1024) == UK_EINVAL);
static_assert(check_range(0, 511, 1024) == UK_EINVAL);
static_assert(check_range(1024, 512, 1024) == UK_EINVAL);
static_assert(check_range(512, 1024, 1024) == UK_EINVAL);
static_assert(check_range(UINT64_MAX - 511, 512, 1024) == UK_EINVAL);          // would wrap to 0
static_assert(check_range(512, UINT64_MAX - 511, 1024) == UK_EINVAL);          // would wrap to 512
static_assert(check_range(UINT64_MAX - 511, 512, UINT64_MAX - 511) == UK_EINVAL);
static_assert(check_range(512, 512, 8192, 4096) == UK_EINVAL);
static_assert(check_range(4096, 4096, 8192, 4096) == UK_OK);

}  // namespace ukmon::blk
