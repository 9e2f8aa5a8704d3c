// The ukmon personality's ELF notes (owner "UKMON"): one ABI-version note and one note per
// declared device. Hostile input: every check names what it refused ("guest ELF: ...").
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "monitor/guest_image.hpp"

namespace ukmon::abi_ukmon {

struct Manifest {
    uint32_t abi_version = 0;
    std::vector<DeviceDecl> devices;  // in note order; handle = index
};

// nullopt when the image carries no UKMON note at all (another personality's guest).
// UsageError for malformed notes or an ABI version this monitor does not speak.
std::optional<Manifest> read_manifest(const GuestImage& img);

}  // namespace ukmon::abi_ukmon
