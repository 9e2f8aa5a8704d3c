// The net ring's monitor side under kvm: the ring engine (monitor/io_ring.hpp) serving the
// net calls the guest library puts in a struct uk_netring in its own memory. It moves frames
// between the TAPs and guest buffers only when a descriptor asks: no frame is read ahead, so
// none can be lost in the ring (docs/performance.md, "The net ring").
#pragma once
#include <array>
#include <cstdint>
#include <span>

#include <ukmon/abi.h>

#include "monitor/io_ring.hpp"

namespace ukmon::net {

struct Nic;

class NetRing final : public IoRing {
public:
    NetRing();
    // `nics`: the module's table by handle (attached ones only are served). `device_rules`:
    // the net module's own rules; the thread's filter takes its write and readv ones (on the
    // TAP fds only).
    void prepare(std::span<const Nic> nics, const SyscallPolicy& device_rules);

private:
    bool serve(uint64_t slot, uint64_t desc_gpa) override;  // false for a queued frame
    const Nic* nic(uint64_t handle) const;  // attached, or nullptr

    std::span<const Nic> nics_;
    std::array<uk_net_frame, UK_NET_BATCH_MAX> frame_copy_{};  // the thread's own (not the hypercalls')
};

}  // namespace ukmon::net
