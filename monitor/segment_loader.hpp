// Loading an ELF's PT_LOAD segments into guest memory: the same for every personality.
#pragma once
#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"

namespace ukmon {

// Copies each PT_LOAD's file bytes and zeroes the rest of its memory size.
void load_segments(const GuestMemory& mem, const GuestImage& img);

}  // namespace ukmon
