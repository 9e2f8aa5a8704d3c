// Reads the pod interface with ioctls and /proc/net/route; makes and removes the TAP.
#include "iface.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace podnet {
namespace {

[[noreturn]] void fail_errno(const std::string& what)
{
    throw Failure{what + ": " + std::strerror(errno)};
}

struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    ~Fd() { if (fd >= 0) ::close(fd); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

ifreq request(const std::string& name)
{
    if (name.empty() || name.size() >= IFNAMSIZ)
        throw Failure{"interface name '" + name + "' must be 1.." + std::to_string(IFNAMSIZ - 1) + " bytes"};
    ifreq r{};
    std::memcpy(r.ifr_name, name.data(), name.size());
    return r;
}

std::string dotted(const sockaddr& sa)
{
    char buf[INET_ADDRSTRLEN];
    in_addr a = reinterpret_cast<const sockaddr_in&>(sa).sin_addr;
    return ::inet_ntop(AF_INET, &a, buf, sizeof buf);
}

// The default route's gateway through IFACE: /proc/net/route holds addresses as hex of
// the in-memory (network order) value.
std::string default_gateway(const std::string& iface)
{
    FILE* f = std::fopen("/proc/net/route", "re");
    if (!f)
        return "";
    char line[512], name[IFNAMSIZ + 1];
    unsigned dest, gw;
    std::string found;
    while (found.empty() && std::fgets(line, sizeof line, f)) {
        if (std::sscanf(line, "%16s %x %x", name, &dest, &gw) == 3 && iface == name && dest == 0) {
            in_addr a{gw};
            char buf[INET_ADDRSTRLEN];
            found = ::inet_ntop(AF_INET, &a, buf, sizeof buf);
        }
    }
    std::fclose(f);
    return found;
}

}  // namespace

Iface read_iface(const std::string& name)
{
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.fd < 0)
        fail_errno("socket");
    Iface i;
    i.name = name;
    ifreq r = request(name);
    if (::ioctl(s.fd, SIOCGIFINDEX, &r) < 0)
        fail_errno("interface " + name);
    i.index = r.ifr_ifindex;
    r = request(name);
    if (::ioctl(s.fd, SIOCGIFHWADDR, &r) < 0)
        fail_errno(name + ": MAC address");
    const auto* m = reinterpret_cast<const unsigned char*>(r.ifr_hwaddr.sa_data);
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    i.mac = mac;
    r = request(name);
    if (::ioctl(s.fd, SIOCGIFMTU, &r) < 0)
        fail_errno(name + ": MTU");
    i.mtu = r.ifr_mtu;
    r = request(name);
    if (::ioctl(s.fd, SIOCGIFADDR, &r) < 0)
        fail_errno(name + ": no IPv4 address");
    i.ip = dotted(r.ifr_addr);
    r = request(name);
    if (::ioctl(s.fd, SIOCGIFNETMASK, &r) < 0)
        fail_errno(name + ": netmask");
    i.mask = dotted(r.ifr_netmask);
    i.prefix = __builtin_popcount(reinterpret_cast<const sockaddr_in&>(r.ifr_netmask).sin_addr.s_addr);
    i.gateway = default_gateway(name);
    return i;
}

int create_tap(const std::string& name, int mtu)
{
    {
        Fd tun(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
        if (tun.fd < 0)
            fail_errno("/dev/net/tun (pass the device into the container)");
        if (::if_nametoindex(name.c_str()) != 0)
            throw Failure{"interface " + name + " exists already"};
        ifreq r = request(name);
        r.ifr_flags = IFF_TAP | IFF_NO_PI;
        if (::ioctl(tun.fd, TUNSETIFF, &r) < 0)
            fail_errno("TAP " + name + " (needs CAP_NET_ADMIN)");
        if (::ioctl(tun.fd, TUNSETPERSIST, 1) < 0)
            fail_errno("TAP " + name + ": persist");
    }
    Fd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (s.fd < 0)
        fail_errno("socket");
    ifreq r = request(name);
    r.ifr_mtu = mtu;
    if (::ioctl(s.fd, SIOCSIFMTU, &r) < 0)
        fail_errno(name + ": set MTU " + std::to_string(mtu));
    r = request(name);
    if (::ioctl(s.fd, SIOCGIFFLAGS, &r) < 0)
        fail_errno(name + ": flags");
    r.ifr_flags |= IFF_UP;
    if (::ioctl(s.fd, SIOCSIFFLAGS, &r) < 0)
        fail_errno(name + ": up");
    int index = static_cast<int>(::if_nametoindex(name.c_str()));
    if (index == 0)
        fail_errno(name + ": index");
    return index;
}

void delete_tap(const std::string& name)
{
    Fd tun(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (tun.fd < 0 || ::if_nametoindex(name.c_str()) == 0)
        return;
    ifreq r = request(name);
    r.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(tun.fd, TUNSETIFF, &r) == 0)
        ::ioctl(tun.fd, TUNSETPERSIST, 0);  // the TAP goes when this fd closes
}

}  // namespace podnet
