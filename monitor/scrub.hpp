// --scrub: zero guest RAM before the process exits, for deployments whose guests hold
// secrets. Allocation-free and system-call-free: it runs inside the seccomp filter.
#pragma once
#include <cstddef>
#include <cstdint>

#include "monitor/stats.hpp"

namespace ukmon::scrub {

// Zeroes every 4 KiB page of [p, p+len) that holds a non-zero byte (len: a multiple of
// 4 KiB) and adds to `report`. All-zero pages are only read, never written, so memory the
// guest never touched is not faulted in (reading it maps the kernel's shared zero page).
void zero_pages(std::byte* p, uint64_t len, stats::ScrubReport& report);

// Whether the 4 KiB page at p is all zero.
bool page_is_zero(const std::byte* p);

}  // namespace ukmon::scrub
