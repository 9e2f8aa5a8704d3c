// Writing a whole buffer to an fd with nothing but write(2): retries short writes and EINTR,
// allocates nothing, so exit paths may use it inside the seccomp filter.
#pragma once
#include <unistd.h>

#include <cerrno>
#include <cstddef>

namespace ukmon {

inline bool write_all(int fd, const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
        ssize_t w = ::write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return false;
        p += w;
        n -= size_t(w);
    }
    return true;
}

}  // namespace ukmon
