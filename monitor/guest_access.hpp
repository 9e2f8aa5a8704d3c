// Which guest pages a hypercall may read or write: exactly the pages the guest itself may
// read or write, the same under both backends. Without it, the monitor (which maps all of
// guest memory read-write under kvm) would be a way around W^X: a blkread into the guest's
// own text, or a walltime over its read-only boot info or gate; and under seccomp (where
// those pages really are read-only or unmapped in the monitor's own process) the monitor
// itself would fault on them.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "monitor/guest_image.hpp"

namespace ukmon {

class GuestAccessMap {
public:
    struct Region {
        uint64_t start, end;  // page aligned, [start, end)
        bool readable, writable;
    };
    static constexpr size_t max_regions = 48;

    // Regions are added in ascending address order and may not overlap; addresses between
    // regions are inaccessible. Adjacent regions with the same rights are merged.
    void add(uint64_t start, uint64_t end, bool readable, bool writable);

    // Whether every byte of [gpa, gpa+len) may be read (write=false) or written (write=true)
    // by the guest. len 0 is always allowed (nothing is touched). The caller has already
    // checked that the range lies inside guest memory (so gpa+len does not wrap); this
    // check stays overflow-safe anyway. Allocation-free.
    bool allows(uint64_t gpa, uint64_t len, bool write) const;

    size_t size() const { return count_; }
    const Region& operator[](size_t i) const { return regions_[i]; }

private:
    std::array<Region, max_regions> regions_{};
    size_t count_ = 0;
};

// The map for `img` in guest memory of `mem_size` bytes (monitor/abi/ukmon/layout.hpp):
//   boot area            read-only
//   gate page            none (under kvm the guest may execute it; a hypercall may not name it)
//   each PT_LOAD segment its pages: writable if PF_W, readable if PF_R or PF_W (as on x86)
//   heap, stack          read-write
//   everything else      none (null page, monitor-private area, holes, the stack guard page)
GuestAccessMap guest_access_map(const GuestImage& img, uint64_t mem_size);

}  // namespace ukmon
