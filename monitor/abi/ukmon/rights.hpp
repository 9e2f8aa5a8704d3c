// The ukmon layout (layout.hpp) as the guest's rights: boot info R; the gate page R+X when
// the backend puts its gate in guest memory; each segment its flags (write implies read, as
// on x86); heap and stack R+W; everything else none (null page, monitor-private area,
// holes, the stack guard page). The caller has checked that the image fits (check_fits).
#pragma once
#include <cstdint>

#include "monitor/guest_image.hpp"
#include "monitor/guest_rights.hpp"

namespace ukmon::abi_ukmon {

GuestRights guest_rights(const GuestImage& img, uint64_t mem_size, bool gate_in_guest);

}  // namespace ukmon::abi_ukmon
