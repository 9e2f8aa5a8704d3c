// Solo5 hvt: the guest is supervisor code in a VM (CPL0, its own descriptor tables) that
// calls the monitor with `outl` to port 0x500 + n carrying the guest-physical address of the
// call's struct. Its layout (initial tables at 0x1000, boot info at 0x5000, the image from
// 1 MiB, the stack at the top), its boot info and its hypercalls, served through the device
// modules (Module::device_io): handle = manifest index; block I/O of exactly one block.
#pragma once
#include <poll.h>

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <solo5/abi.h>

#include "monitor/dispatcher.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"
#include "monitor/module.hpp"
#include "monitor/personality.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::abi_solo5::hvt {

inline constexpr uint64_t tables = SOLO5_HVT_GDT_BASE;  // kernel_tables_size bytes, to 0x5000
inline constexpr uint64_t boot_area = SOLO5_HVT_BOOT_INFO_BASE;
inline constexpr uint64_t low_end = 0x10000;     // tables and boot area: the guest's own
inline constexpr uint64_t spare_page = 0xFF000;  // never the guest's (EntryState::spare_page)
static_assert(tables + kernel_tables_size == boot_area);

// Low memory (tables, boot area) read-write, each segment its flags, the rest read-write.
GuestRights rights(const GuestImage& img, uint64_t mem_size);

// Boot info, the manifest as attached (no host fds) and the command line at 0x5000.
uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, std::span<const solo5_mft_entry> mft,
                         const BootEnv& env);

// The attached devices as the hypercalls find them (by handle), and the NICs poll waits on.
struct Devices {
    std::array<Module*, SOLO5_MFT_MAX_ENTRIES> module{};
    std::array<DeviceInfo, SOLO5_MFT_MAX_ENTRIES> info{};
    std::array<uint32_t, SOLO5_MFT_MAX_ENTRIES> type{};  // SOLO5_MFT_* of each handle, 0: none
    std::array<pollfd, SOLO5_MFT_MAX_ENTRIES> pollfds{};
    std::array<uint32_t, SOLO5_MFT_MAX_ENTRIES> poll_handles{};
    size_t nics = 0;
    const GuestImage* image = nullptr;  // for the symbol of an aborting guest's trap frame
};
void find_devices(std::span<const solo5_mft_entry> mft, std::span<Module* const> modules, Devices& out);

// The eight hvt calls (their struct sizes and names in the dispatcher's table).
void register_hypercalls(Dispatcher& d, const Devices& devices);
// What they need beyond the modules' own rules (stdout, clocks, poll's wait).
void add_syscall_rules(SyscallPolicy& p, const Devices& devices);

}  // namespace ukmon::abi_solo5::hvt
