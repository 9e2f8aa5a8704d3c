// Whole-range pread/pwrite/fsync on a device fd: retried on EINTR and short transfers,
// allocation-free (safe inside the seccomp filter, where only these calls are allowed).
#pragma once
#include <cstddef>
#include <cstdint>

namespace ukmon::blk {

// Each pwrite64 moves at most this much, so the filter can bound a write's length below
// twice that (blk_module.cpp: under seccomp the guest can make the call itself).
inline constexpr uint64_t max_write_chunk = 1ull << 20;

// True when all `len` bytes moved; false on an error or when the file ended early.
bool read_fully(int fd, std::byte* buf, uint64_t len, uint64_t offset);
bool write_fully(int fd, const std::byte* buf, uint64_t len, uint64_t offset);
bool sync_fd(int fd);

}  // namespace ukmon::blk
