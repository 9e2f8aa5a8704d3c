// The blk module: file-backed block devices with a 512-byte sector unless an option sets
// another, capacity taken from the file at attach, optional read-only, flushed on exit.
// Shared by its files only.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <ukmon/abi.h>

#include "modules/blk/blk_ring.hpp"
#include "monitor/module.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::blk {

inline constexpr uint64_t sector_size = 512;      // the default
inline constexpr uint64_t max_sector_size = 32768;  // a Solo5 block size is a uint16_t

// One attached device. Lives in a fixed table indexed by handle, so a hypercall finds it
// without allocating.
struct Device {
    bool attached = false;
    bool read_only = false;
    uint32_t handle = 0;
    uint64_t capacity = 0;   // bytes, a non-zero multiple of block_size
    uint64_t block_size = sector_size;  // bytes: a power of two, 512..max_sector_size
    UniqueFd fd;
    std::string name;        // as declared, for messages
    std::string path;        // as given on the command line
    // --stats: requests that moved data, bytes read into the guest, bytes written from it.
    mutable uint64_t requests = 0, bytes_in = 0, bytes_out = 0;
};

class BlkModule final : public Module {
public:
    const char* name() const override { return "blk"; }
    uint32_t device_type() const override { return UK_DEV_BLK; }
    std::vector<std::string_view> option_words() const override;
    std::string options_help() const override;
    void attach(std::span<const DeclaredDevice> declared, std::span<const DeviceOption> options) override;
    void register_hypercalls(Dispatcher& d) override;
    bool device_info(uint32_t handle, DeviceInfo& out) const override;
    long device_io(uint32_t handle, bool write, std::span<std::byte> buf, uint64_t offset) override;
    void prepare_io(bool doorbells) override;                              // blk_ring_module.cpp
    void start_io(const GuestMemory& mem, Doorbells* doorbells) override;
    void io_thread_policies(std::vector<IoThreadPolicy>& out) const override;
    void add_syscall_rules(SyscallPolicy& policy) const override;
    void add_guest_syscall_rules(SyscallPolicy& policy) const override;
    bool exit_action() override;
    void files_to_sync(std::vector<int>& fds) const override;
    size_t device_counters(std::span<DeviceCounters> out) const override;

    // The attached device with this guest handle, or nullptr (unknown, or not a blk device).
    const Device* device(uint64_t handle) const {
        return handle < devices_.size() && devices_[handle].attached ? &devices_[handle] : nullptr;
    }

    RingServer& ring() { return ring_; }

private:
    std::array<Device, max_device_handles> devices_{};
    RingServer ring_;  // kvm: the request ring's I/O thread
};

// Option words: --block:NAME=FILE (read-write), --block-ro:NAME=FILE (read-only) and
// --block-sector-size:NAME=N (Solo5's tenders' option).
inline constexpr std::string_view option_rw = "block";
inline constexpr std::string_view option_ro = "block-ro";
inline constexpr std::string_view option_sector = "block-sector-size";

}  // namespace ukmon::blk
