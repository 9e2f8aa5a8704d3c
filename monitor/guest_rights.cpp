// GuestRights (see guest_rights.hpp).
#include "monitor/guest_rights.hpp"

#include <stdexcept>

namespace ukmon {

void GuestRights::add(GuestRegion r) {
    if (r.start >= r.end) return;
    if ((r.start | r.end) & 0xFFF) throw std::logic_error("GuestRights: region not page aligned");
    if (count_ > 0 && r.start < regions_[count_ - 1].end) throw std::logic_error("GuestRights: regions out of order");
    if (count_ == max_regions) throw std::logic_error("GuestRights: too many regions");
    regions_[count_++] = r;
}

void GuestRights::add_segments(const GuestImage& img) {
    constexpr uint64_t page = 4096;
    for (const Segment& s : img.segments)
        add({s.vaddr & ~(page - 1), (s.vaddr + s.memsz + page - 1) & ~(page - 1), s.readable || s.writable,
             s.writable, s.executable, GuestRegion::Kind::image});
}

const GuestRegion* GuestRights::at(uint64_t addr) const {
    for (size_t i = 0; i < count_; ++i)
        if (addr >= regions_[i].start && addr < regions_[i].end) return &regions_[i];
    return nullptr;
}

}  // namespace ukmon
