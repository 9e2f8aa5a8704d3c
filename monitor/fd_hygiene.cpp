// Start-up fd hygiene (see fd_hygiene.hpp).
#include "monitor/fd_hygiene.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "monitor/error.hpp"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

namespace ukmon {

namespace {

// Closes [from, to] (inclusive): close_range, or one by one on kernels before 5.9.
void close_between(unsigned from, unsigned to) {
    if (from > to) return;
    if (::syscall(SYS_close_range, from, to, 0u) == 0) return;
    rlimit lim{};
    uint64_t top = ::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY ? lim.rlim_cur : 65536;
    if (top > (1u << 20)) top = 1u << 20;
    for (uint64_t fd = from; fd < top && fd <= to; ++fd) ::close(int(fd));
}

}  // namespace

std::vector<int> fds_named_by_options(std::span<const std::string_view> args) {
    std::vector<int> fds;
    for (std::string_view a : args) {
        if (a == "--" || !a.starts_with("--")) break;
        size_t colon = a.find(':'), at = a.find("=@");
        if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) continue;
        std::string_view digits = a.substr(at + 2);
        int fd = 0;
        bool ok = !digits.empty() && digits.size() <= 6;
        for (char c : digits) ok = ok && c >= '0' && c <= '9';
        if (!ok) continue;  // the module refuses it with a message
        for (char c : digits) fd = fd * 10 + (c - '0');
        if (fd > 2) fds.push_back(fd);
    }
    std::sort(fds.begin(), fds.end());
    return fds;
}

void sanitize_inherited_fds(std::span<const int> keep) {
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
    unsigned next = 3;  // `keep` is sorted (fds_named_by_options)
    for (int fd : keep) {
        if (fd < int(next)) continue;
        close_between(next, unsigned(fd) - 1);
        next = unsigned(fd) + 1;
    }
    close_between(next, ~0u);
}

}  // namespace ukmon
