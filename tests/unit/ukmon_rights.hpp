// The ukmon personality's rights for a test image (with or without notes): what Run::boot
// gets from the personality once per run.
#pragma once
#include <cstdint>

#include "monitor/abi/ukmon/rights.hpp"
#include "monitor/guest_image.hpp"

namespace ukmon_test {

inline ukmon::GuestRights ukmon_rights(const ukmon::GuestImage& img, uint64_t mem_size, bool gate_in_guest = true) {
    return ukmon::abi_ukmon::guest_rights(img, mem_size, gate_in_guest);
}

}  // namespace ukmon_test
