// open_tap(): binds /dev/net/tun to an existing TAP interface and reads its MTU.
#include "modules/net/tap.hpp"

#include <fcntl.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "monitor/error.hpp"

namespace ukmon::net {
namespace {

[[noreturn]] void refuse(std::string_view device, const std::string& problem) {
    throw UsageError("net device '" + std::string(device) + "': " + problem);
}

ifreq request_for(const std::string& tap) {
    ifreq ifr{};
    std::memcpy(ifr.ifr_name, tap.data(), tap.size());  // size checked: < IFNAMSIZ
    return ifr;
}

// The interface's index in this network namespace, 0 if there is none.
unsigned index_of(const std::string& tap) { return ::if_nametoindex(tap.c_str()); }

uint64_t read_mtu(std::string_view device, const std::string& tap) {
    UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) throw_errno("net device '" + std::string(device) + "': socket for SIOCGIFMTU");
    ifreq ifr = request_for(tap);
    if (::ioctl(sock.get(), SIOCGIFMTU, &ifr) < 0)
        refuse(device, "cannot read the MTU of TAP '" + tap + "': " + std::strerror(errno));
    if (ifr.ifr_mtu <= 0) refuse(device, "TAP '" + tap + "' reports MTU " + std::to_string(ifr.ifr_mtu));
    return uint64_t(ifr.ifr_mtu);
}

}  // namespace

Tap open_tap(std::string_view device, const std::string& tap) {
    if (const char* problem = tap_name_problem(tap)) refuse(device, "TAP name '" + tap + "' " + problem);
    // TUNSETIFF creates an interface that does not exist; we only bind to existing ones.
    unsigned index = index_of(tap);
    if (index == 0)
        refuse(device, "no interface named '" + tap + "' in this network namespace (create it: ip tuntap add dev " +
                           tap + " mode tap)");
    Tap t;
    t.fd = UniqueFd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!t.fd) {
        int err = errno;
        if (err == ENOENT || err == ENODEV) refuse(device, "/dev/net/tun does not exist (is the tun module loaded?)");
        refuse(device, std::string("cannot open /dev/net/tun: ") + std::strerror(err));
    }
    ifreq ifr = request_for(tap);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(t.fd.get(), TUNSETIFF, &ifr) < 0) {
        int err = errno;
        if (err == EPERM || err == EACCES)
            refuse(device, "no permission to attach TAP '" + tap + "' (run as its owner, see ip tuntap user, or with CAP_NET_ADMIN)");
        if (err == EINVAL) refuse(device, "'" + tap + "' is not a single-queue TAP interface");
        if (err == EBUSY) refuse(device, "TAP '" + tap + "' is in use by another process");
        refuse(device, "cannot attach TAP '" + tap + "': " + std::strerror(err));
    }
    if (index_of(tap) != index)  // replaced between the check and TUNSETIFF
        refuse(device, "TAP '" + tap + "' changed while it was being attached");
    t.mtu = read_mtu(device, tap);
    return t;
}

Tap adopt_tap_fd(std::string_view device, int fd) {
    const std::string which = "fd " + std::to_string(fd);
    if (fd <= 2 || ::fcntl(fd, F_GETFD) < 0) refuse(device, which + " is not an open inherited fd");
    ifreq ifr{};
    if (::ioctl(fd, TUNGETIFF, &ifr) < 0) refuse(device, which + " is not bound to a TAP interface");
    if (!(ifr.ifr_flags & IFF_TAP) || !(ifr.ifr_flags & IFF_NO_PI) || (ifr.ifr_flags & IFF_MULTI_QUEUE))
        refuse(device, which + " is not a single-queue TAP without packet information (IFF_TAP | IFF_NO_PI)");
    int fl = ::fcntl(fd, F_GETFL);
    if (fl < 0 || ::fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0 || ::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        refuse(device, which + ": cannot make it non-blocking: " + std::strerror(errno));
    Tap t;
    t.fd = UniqueFd(fd);
    std::string name(ifr.ifr_name, strnlen(ifr.ifr_name, IFNAMSIZ));
    t.mtu = read_mtu(device, name);
    return t;
}

}  // namespace ukmon::net
