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

#include "monitor/guest_rights.hpp"

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

// The hypercall view of the guest's rights: every region but the gate (the guest may run
// it under kvm; a hypercall may not name it), readable if the guest may read or write it
// (as on x86), writable if it may write it. Everything else is inaccessible.
GuestAccessMap guest_access_map(const GuestRights& rights);

}  // namespace ukmon
