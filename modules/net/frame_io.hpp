// One frame to or from a TAP fd: allocation-free and stdio-free (safe inside the seccomp
// filter, where only write and readv on the TAP fds are allowed).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include <ukmon/abi.h>

namespace ukmon::net {

// Sends `frame` as one frame. UK_OK; UK_EAGAIN if the host had no room for it now; UK_EIO
// otherwise (e.g. the TAP is down).
uk_status write_frame(int fd, std::span<const std::byte> frame);

// Takes one frame from the NIC into `buf`. UK_OK with `got` = its length; UK_EAGAIN if none
// waits; UK_EINVAL if it was longer than `buf` (it is consumed and dropped: a TAP cannot put
// a frame back; `buf` then holds its start and `got` is 0); UK_EIO on a host error.
uk_status read_frame(int fd, std::span<std::byte> buf, uint64_t& got);

}  // namespace ukmon::net
