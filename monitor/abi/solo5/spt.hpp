// Solo5 spt: the guest is a process image that makes raw Linux system calls. Its layout
// (guest memory from 0x10000, the boot area at 0x11000), its boot info and manifest copy,
// the epoll set and timerfd it waits on, and its device model: the seccomp rules that are
// exactly the calls Solo5's spt tender allows.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <solo5/abi.h>

#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"
#include "monitor/module.hpp"
#include "monitor/personality.hpp"
#include "monitor/sandbox/syscall_policy.hpp"
#include "monitor/abi/solo5/hvt.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::abi_solo5::spt {

// The boot area: boot info, manifest copy (at most 64 entries), command line.
inline constexpr uint64_t boot_area = SOLO5_SPT_BOOT_INFO_BASE;
inline constexpr uint64_t boot_area_end = boot_area + 0x4000;

// Boot area read-only, the gate page (kvm: where SYSCALL lands) read+execute, each segment its
// flags, everything from the image's end to the top of memory read-write (heap and stack, as
// Solo5's guests expect). UsageError if it does not fit.
// UsageError unless the image leaves 1 MiB of `mem_size` for heap and stack (hvt too).
void check_fits(const GuestImage& img, uint64_t mem_size);
GuestRights rights(const GuestImage& img, uint64_t mem_size, bool gate_page);

// The guest's copy of the manifest: the file's entries, each attached device marked attached
// with its host fd and properties (Module::device_info). UsageError if a module gives none.
std::vector<solo5_mft_entry> attached_manifest(std::span<const solo5_mft_entry> entries,
                                               std::span<Module* const> modules);

// The epoll set (NIC fds with their handles, the timerfd) and the timerfd.
struct WaitFds {
    UniqueFd epoll, timer;
};
WaitFds make_wait_fds(std::span<const solo5_mft_entry> attached);

// Writes boot info, manifest and command line (the guest args joined by spaces); returns the
// boot info's address. Arguments that do not fit are a UsageError.
uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, std::span<const solo5_mft_entry> mft,
                         const BootEnv& env, const WaitFds& fds);

// Under kvm: performs a call the device model let through (spt_syscalls.cpp); exit_group
// ends the run with its status.
std::optional<RunOutcome> serve_syscall(RunContext& ctx, GuestSyscall& call, const hvt::Devices& devices,
                                        const WaitFds& fds);

// The spt tender's own rules: stdout, the two clocks, its epoll and timerfd, the FS base.
void add_syscall_rules(SyscallPolicy& policy, const WaitFds& fds);

// The command line Solo5 builds: the arguments joined by single spaces; UsageError past max.
std::string join_cmdline(const std::vector<std::string>& args, size_t max_with_nul);

}  // namespace ukmon::abi_solo5::spt
