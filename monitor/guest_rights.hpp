// The guest's memory rights, worked out once per run by its personality and read by every
// place that needs them: the hypercall access map (GuestAccessMap), the core file's regions,
// the kvm page tables and the seccomp backend's mprotect calls. Addresses not in a region
// are inaccessible to the guest (null page, monitor-private area, holes, stack guard).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "monitor/guest_image.hpp"

namespace ukmon {

struct GuestRegion {
    enum class Kind { boot_info, gate, image, heap, stack };
    uint64_t start, end;  // page aligned, [start, end)
    bool read, write, exec;
    Kind kind;
};

class GuestRights {
public:
    static constexpr size_t max_regions = 24;  // boot info, gate, 16 segments, heap, stack

    // Regions in ascending order, non-overlapping, page aligned (std::logic_error if not:
    // a personality bug). An empty region is skipped.
    void add(GuestRegion region);
    // Each PT_LOAD segment's pages with its own flags (write implies read, as on x86); the
    // image's segments are sorted and share no page (guest_image.cpp).
    void add_segments(const GuestImage& img);
    std::span<const GuestRegion> all() const { return {regions_.data(), count_}; }
    // The region holding `addr`, or nullptr.
    const GuestRegion* at(uint64_t addr) const;

private:
    std::array<GuestRegion, max_regions> regions_{};
    size_t count_ = 0;
};

}  // namespace ukmon
