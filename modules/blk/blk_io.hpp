// Host I/O for block devices in the only shapes the seccomp rules allow: each pread64/pwrite64
// moves one of a few fixed lengths (a power of two from one sector to 1 MiB) at an offset the
// filter bounds by `offset <= capacity - length`. Allocation-free (safe inside the filter).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ukmon::blk {

// Under seccomp the guest can make these calls itself with any arguments, and BPF cannot add
// offset and length; fixing the length per rule lets it check the end exactly (as Solo5 spt).
inline constexpr uint64_t min_io_len = 512;
inline constexpr uint64_t max_io_len = 1ull << 20;

constexpr bool is_io_len(uint64_t len) {
    return len >= min_io_len && len <= max_io_len && (len & (len - 1)) == 0;
}

// The largest allowed length not above `left` (a non-zero multiple of 512): a request is
// split into these, at most one per power of two below 1 MiB plus whole MiBs.
constexpr uint64_t io_piece(uint64_t left) {
    if (left >= max_io_len) return max_io_len;
    uint64_t piece = max_io_len;
    while (piece > left) piece >>= 1;
    return piece;
}

static_assert(io_piece(512) == 512 && io_piece(1536) == 1024 && io_piece(65536) == 65536);
static_assert(io_piece(3ull << 20) == max_io_len && io_piece(max_io_len - 512) == max_io_len / 2);

// True when all `len` bytes (a non-zero multiple of 512) moved; false on an error or a short
// transfer (for a regular file: end of file, no space, an I/O error; never retried in a shape
// the filter does not allow).
bool read_fully(int fd, std::byte* buf, uint64_t len, uint64_t offset);
bool write_fully(int fd, const std::byte* buf, uint64_t len, uint64_t offset);
bool sync_fd(int fd);

}  // namespace ukmon::blk
