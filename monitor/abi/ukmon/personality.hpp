// The ukmon guest ABI v1 (guest-abi/include/ukmon/abi.h) as a personality of the core.
#pragma once
#include <memory>

#include "monitor/personality.hpp"

namespace ukmon::abi_ukmon {

// nullptr when the image is not a ukmon guest; UsageError when its notes are malformed.
std::unique_ptr<Personality> recognise(const GuestImage& img);

}  // namespace ukmon::abi_ukmon
