// The net module's descriptor: options, help, seccomp rules, registration.
#include <sys/syscall.h>

#include <algorithm>

#include "modules/net/net_module.hpp"

namespace ukmon::net {

std::vector<std::string_view> NetModule::option_words() const { return {option_tap, option_mac}; }

std::string NetModule::options_help() const {
    return "  --net:NAME=TAP              attach net device NAME to the existing TAP interface TAP\n"
           "                              (e.g. ip tuntap add dev tap0 mode tap); its MTU is the TAP's\n"
           "  --net:NAME=@FD              ... or to an inherited fd already bound to a TAP (as Solo5's tenders)\n"
           "  --net-mac:NAME=MAC          MAC of net device NAME, e.g. 02:00:00:00:00:01 (default: a locally\n"
           "                              administered one derived from NAME and TAP, the same every run)\n";
}

void NetModule::add_syscall_rules(SyscallPolicy& policy) const {
    for (const Nic& n : nics_) {
        if (!n.attached) continue;
        uint64_t fd = uint64_t(n.fd.get());
        std::string which = "'" + n.name + "' (TAP " + n.tap + ")";
        policy.allow(__NR_write, {{0, fd, ~0ull, "TAP fd"}}, "net", "netwrite(v): one frame per write on " + which);
        policy.allow(__NR_readv, {{0, fd, ~0ull, "TAP fd"}}, "net",
                     "netread(v) on " + which + ": the guest's buffer + 1 spare byte detects a cut frame");
    }
    // The fds are behind a pointer the filter cannot follow: pin the count and the null mask.
    policy.allow(__NR_ppoll, {{1, poll_count_}, {3, 0, ~0ull, "NULL"}}, "net",
                 "poll: wait on exactly the " + std::to_string(poll_count_) + " TAP fd(s), no signal mask");
    ring_.add_syscall_rules(policy);
}

bool NetModule::device_info(uint32_t handle, DeviceInfo& out) const {
    const Nic* n = nic(handle);
    if (!n) return false;
    out = DeviceInfo{};
    out.fd = n->fd.get();
    std::copy(n->mac.begin(), n->mac.end(), out.mac);
    out.mtu = n->mtu;
    return true;
}

// The guest reads and writes its TAP fds itself (Solo5 spt): one frame per call.
void NetModule::add_guest_syscall_rules(SyscallPolicy& policy) const {
    for (const Nic& n : nics_) {
        if (!n.attached) continue;
        uint64_t fd = uint64_t(n.fd.get());
        std::string which = "'" + n.name + "' (TAP " + n.tap + ")";
        policy.allow(__NR_read, {{0, fd, ~0ull, "TAP fd"}}, "net", "the guest receives a frame on " + which);
        policy.allow(__NR_write, {{0, fd, ~0ull, "TAP fd"}}, "net", "the guest sends a frame on " + which);
    }
}

size_t NetModule::device_counters(std::span<DeviceCounters> out) const {
    size_t n = 0;
    for (const Nic& nic : nics_)
        if (nic.attached && n < out.size()) out[n++] = {"net", nic.name.c_str(), nic.requests, nic.bytes_in, nic.bytes_out};
    return n;
}

namespace {
NetModule net_module;
UKMON_REGISTER_MODULE(net_module);
}  // namespace

}  // namespace ukmon::net
