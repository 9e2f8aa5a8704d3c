// The ukmon layout as rights (see rights.hpp).
#include "monitor/abi/ukmon/rights.hpp"

#include "monitor/abi/ukmon/layout.hpp"

namespace ukmon::abi_ukmon {

GuestRights guest_rights(const GuestImage& img, uint64_t mem_size, bool gate_in_guest) {
    using namespace layout;
    using K = GuestRegion::Kind;
    auto r = regions(img.image_end, mem_size);
    GuestRights g;
    g.add({boot_area, boot_area_end, true, false, false, K::boot_info});
    if (gate_in_guest) g.add({gate_page, image_base, true, false, true, K::gate});
    g.add_segments(img);
    g.add({r.heap_start, r.heap_end, true, true, false, K::heap});
    g.add({r.stack_low, r.stack_top, true, true, false, K::stack});
    return g;
}

}  // namespace ukmon::abi_ukmon
