// Start-up fd hygiene (see fd_hygiene.hpp).
#include "monitor/fd_hygiene.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "monitor/error.hpp"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

namespace ukmon {

void sanitize_inherited_fds() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
        // The lowest free fd is `fd` itself: the ones below it are open by now.
        int got = ::open("/dev/null", O_RDWR);
        if (got < 0) throw_errno("open /dev/null for a closed standard fd");
        if (got != fd) {
            ::close(got);
            throw HostError("standard fd " + std::to_string(fd) + " could not be reopened", EBADF);
        }
    }
    if (::syscall(SYS_close_range, 3u, ~0u, 0u) == 0) return;
    // Kernels before 5.9: close one by one, up to the limit any inherited fd can have.
    rlimit lim{};
    uint64_t top = ::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY ? lim.rlim_cur : 65536;
    if (top > (1u << 20)) top = 1u << 20;
    for (uint64_t fd = 3; fd < top; ++fd) ::close(int(fd));
}

}  // namespace ukmon
