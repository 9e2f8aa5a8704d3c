// What both backends put into fresh guest memory before the first guest instruction: the
// ELF's segments and the boot info (with argv and the command line).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"

namespace ukmon {

struct BootParams {
    uint64_t mem_size = 0;
    uint64_t gate = 0;        // guest address of the hypercall gate
    uint64_t tsc_hz = 0;
    uint32_t backend = 0;     // enum uk_backend_kind
    std::string program_name; // argv[0]
    std::vector<std::string> args;
};

// Checks that the image, the boot area and the stack fit in mem_size: UsageError if not.
void check_fits(const GuestImage& img, uint64_t mem_size);

// Copies each PT_LOAD's file bytes and zeroes the rest of its memory size.
void load_segments(const GuestMemory& mem, const GuestImage& img);

// Writes uk_boot_info, argv and the command line into the boot area; returns the boot
// info's guest address. Arguments that do not fit are a UsageError, never cut short.
uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, const BootParams& p);

}  // namespace ukmon
