// The guest's own access rights as a short region list (see guest_access.hpp).
#include "monitor/guest_access.hpp"

#include <stdexcept>


namespace ukmon {

void GuestAccessMap::add(uint64_t start, uint64_t end, bool readable, bool writable) {
    if (start >= end) return;
    if (count_ > 0 && start < regions_[count_ - 1].end) throw std::logic_error("GuestAccessMap: regions out of order");
    if (!readable && !writable) return;  // gaps are inaccessible anyway
    if (count_ > 0) {
        Region& last = regions_[count_ - 1];
        if (last.end == start && last.readable == readable && last.writable == writable) {
            last.end = end;
            return;
        }
    }
    if (count_ == max_regions) throw std::logic_error("GuestAccessMap: too many regions");
    regions_[count_++] = Region{start, end, readable, writable};
}

bool GuestAccessMap::allows(uint64_t gpa, uint64_t len, bool write) const {
    if (len == 0) return true;
    if (len - 1 > UINT64_MAX - gpa) return false;  // wraps
    uint64_t at = gpa, last = gpa + (len - 1);
    for (size_t i = 0; i < count_; ++i) {
        const Region& r = regions_[i];
        if (r.end <= at) continue;
        if (r.start > at) return false;  // `at` falls in a gap
        if (!(write ? r.writable : r.readable)) return false;
        if (last < r.end) return true;
        at = r.end;  // continue in the next region, which must start exactly here
    }
    return false;
}

GuestAccessMap guest_access_map(const GuestRights& rights) {
    GuestAccessMap m;
    for (const GuestRegion& r : rights.all())
        if (r.kind != GuestRegion::Kind::gate) m.add(r.start, r.end, r.read || r.write, r.write);
    return m;
}

}  // namespace ukmon
