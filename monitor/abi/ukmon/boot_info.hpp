// The ukmon personality's boot: what goes into fresh guest memory before the first guest
// instruction: the ELF's segments and the boot info (with argv and the command line).
#pragma once
#include <cstdint>
#include <string>
#include <span>
#include <vector>

#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/personality.hpp"
#include "monitor/segment_loader.hpp"

namespace ukmon {


// Checks that the image, the boot area and the stack fit in mem_size: UsageError if not.
void check_fits(const GuestImage& img, uint64_t mem_size);

// Writes uk_boot_info, argv and the command line into the boot area; returns the boot
// info's guest address. Arguments that do not fit are a UsageError, never cut short.
// `devices`: the manifest (handle = index).
uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, std::span<const DeviceDecl> devices,
                         const BootEnv& p);

}  // namespace ukmon
