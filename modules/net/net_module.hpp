// The net module: each declared net device is an existing TAP interface opened by name, with
// a MAC given or derived and the TAP's MTU. Shared by the module's own files only.
#pragma once
#include <poll.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ukmon/abi.h>

#include "modules/net/mac.hpp"
#include "modules/net/net_ring.hpp"
#include "monitor/module.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::net {

// One attached NIC. Lives in a fixed table indexed by handle, so a hypercall finds it
// without allocating.
struct Nic {
    bool attached = false;
    uint64_t mtu = 0;        // the TAP's MTU at attach; a frame is 14..mtu+14 bytes
    Mac mac{};
    UniqueFd fd;             // /dev/net/tun bound to the TAP: non-blocking, close-on-exec
    std::string name;        // as declared, for messages
    std::string tap;         // the interface name given on the command line
    // --stats: frames moved, bytes received into the guest, bytes sent from it.
    mutable uint64_t requests = 0, bytes_in = 0, bytes_out = 0;
};

class NetModule final : public Module {
public:
    const char* name() const override { return "net"; }
    uint32_t device_type() const override { return UK_DEV_NET; }
    std::vector<std::string_view> option_words() const override;
    std::string options_help() const override;
    void attach(std::span<const DeclaredDevice> declared, std::span<const DeviceOption> options) override;
    void register_hypercalls(Dispatcher& d) override;
    bool device_info(uint32_t handle, DeviceInfo& out) const override;
    long device_io(uint32_t handle, bool write, std::span<std::byte> buf, uint64_t offset) override;
    void add_syscall_rules(SyscallPolicy& policy) const override;
    void add_guest_syscall_rules(SyscallPolicy& policy) const override;
    size_t device_counters(std::span<DeviceCounters> out) const override;
    void prepare_io(bool doorbells) override;                              // net_ring_module.cpp
    void start_io(const GuestMemory& mem, Doorbells* doorbells) override;
    void io_thread_policies(std::vector<IoThreadPolicy>& out) const override;
    bool exit_action() override;

    // The attached NIC with this guest handle, or nullptr (unknown, or not a net device).
    const Nic* nic(uint64_t handle) const {
        return handle < nics_.size() && nics_[handle].attached ? &nics_[handle] : nullptr;
    }

    // State the handlers use instead of allocating: one pollfd per NIC (in handle order) and
    // a copy of the guest's frame vector. Handlers run one at a time (one vCPU / one thread).
    std::span<pollfd> poll_set() { return {pollfds_.data(), poll_count_}; }
    uint32_t poll_handle(size_t i) const { return poll_handles_[i]; }
    std::array<uk_net_frame, UK_NET_BATCH_MAX>& frame_copy() { return frame_copy_; }
    NetRing& ring() { return ring_; }
    bool busy_poll = true;  // the poll hypercalls' own (net_poll.cpp): the last wait ended soon

private:
    std::array<Nic, max_device_handles> nics_{};
    std::array<pollfd, max_device_handles> pollfds_{};
    std::array<uint32_t, max_device_handles> poll_handles_{};
    size_t poll_count_ = 0;
    std::array<uk_net_frame, UK_NET_BATCH_MAX> frame_copy_{};
    NetRing ring_;  // kvm: the frame ring's I/O thread
};

// Option words: --net:NAME=TAP and --net-mac:NAME=xx:xx:xx:xx:xx:xx.
inline constexpr std::string_view option_tap = "net";
inline constexpr std::string_view option_mac = "net-mac";

}  // namespace ukmon::net
