// Frame I/O on a TAP fd; see frame_io.hpp. A TAP read or write moves exactly one frame.
#include "modules/net/frame_io.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

namespace ukmon::net {

uk_status write_frame(int fd, std::span<const std::byte> frame) {
    for (;;) {
        ssize_t n = ::write(fd, frame.data(), frame.size());
        if (n >= 0) return size_t(n) == frame.size() ? UK_OK : UK_EIO;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == ENOBUFS ? UK_EAGAIN : UK_EIO;
    }
}

uk_status read_frame(int fd, std::span<std::byte> buf, uint64_t& got) {
    // A TAP read into a short buffer silently truncates the frame and returns the buffer's
    // size. One spare byte after the guest's buffer tells "exactly fits" from "was cut".
    std::byte spare;
    iovec iov[2] = {{buf.data(), buf.size()}, {&spare, 1}};
    got = 0;
    for (;;) {
        ssize_t n = ::readv(fd, iov, 2);
        if (n >= 0) {
            if (size_t(n) > buf.size()) return UK_EINVAL;
            got = uint64_t(n);
            return UK_OK;
        }
        if (errno == EINTR) continue;
        return errno == EAGAIN ? UK_EAGAIN : UK_EIO;
    }
}

}  // namespace ukmon::net
