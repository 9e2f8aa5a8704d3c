// The blk ring's monitor side under kvm: the ring engine (monitor/io_ring.hpp) serving the
// requests the guest puts in a struct uk_blkring in its own memory.
#pragma once
#include <cstdint>
#include <span>

#include <ukmon/abi.h>

#include "monitor/io_ring.hpp"

namespace ukmon::blk {

struct Device;

class RingServer final : public IoRing {
public:
    RingServer();
    // `devices`: the module's table by handle (attached ones only are served). `device_rules`:
    // the blk module's own rules; the thread's filter takes its pread64/pwrite64/fsync ones.
    void prepare(std::span<const Device> devices, const SyscallPolicy& device_rules);
    // prepare() then IoRing::start(): for tests that drive the ring without a run.
    void start(std::span<const Device> devices, const GuestMemory& mem, Doorbells* doorbells,
               const SyscallPolicy& device_rules) {
        prepare(devices, device_rules);
        IoRing::start(mem, doorbells);
    }

private:
    bool serve(uint64_t slot, uint64_t desc_gpa) override;  // always waited on
    const Device* device(uint64_t handle) const;  // attached, or nullptr

    std::span<const Device> devices_;
};

}  // namespace ukmon::blk
