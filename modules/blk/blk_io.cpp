// Whole-range host I/O for block devices; see blk_io.hpp.
#include "modules/blk/blk_io.hpp"

#include <unistd.h>

#include <cerrno>

namespace ukmon::blk {
namespace {

// Linux moves at most this much per call; asking for less keeps ssize_t arithmetic simple.
constexpr uint64_t max_chunk = 0x7ffff000;

uint64_t chunk(uint64_t left) { return left < max_chunk ? left : max_chunk; }

}  // namespace

bool read_fully(int fd, std::byte* buf, uint64_t len, uint64_t offset) {
    while (len > 0) {
        ssize_t n = ::pread(fd, buf, chunk(len), off_t(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // error, or end of file before the range ended
        buf += n;
        len -= uint64_t(n);
        offset += uint64_t(n);
    }
    return true;
}

bool write_fully(int fd, const std::byte* buf, uint64_t len, uint64_t offset) {
    while (len > 0) {
        ssize_t n = ::pwrite(fd, buf, len < max_write_chunk ? len : max_write_chunk, off_t(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        buf += n;
        len -= uint64_t(n);
        offset += uint64_t(n);
    }
    return true;
}

bool sync_fd(int fd) {
    for (;;) {
        if (::fsync(fd) == 0) return true;
        if (errno != EINTR) return false;
    }
}

}  // namespace ukmon::blk
