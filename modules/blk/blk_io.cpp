// Host I/O for block devices in the filter's shapes; see blk_io.hpp.
#include "modules/blk/blk_io.hpp"

#include <unistd.h>

#include <cerrno>

namespace ukmon::blk {

bool read_fully(int fd, std::byte* buf, uint64_t len, uint64_t offset) {
    while (len > 0) {
        uint64_t piece = io_piece(len);
        ssize_t n = ::pread(fd, buf, piece, off_t(offset));
        if (n < 0 && errno == EINTR) continue;  // nothing moved: retry the same shape
        if (n < 0 || uint64_t(n) != piece) return false;
        buf += piece;
        len -= piece;
        offset += piece;
    }
    return true;
}

bool write_fully(int fd, const std::byte* buf, uint64_t len, uint64_t offset) {
    while (len > 0) {
        uint64_t piece = io_piece(len);
        ssize_t n = ::pwrite(fd, buf, piece, off_t(offset));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 || uint64_t(n) != piece) return false;
        buf += piece;
        len -= piece;
        offset += piece;
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
