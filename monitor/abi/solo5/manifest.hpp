// The Solo5 personality's ELF notes (owner "Solo5"): the ABI note (target hvt or spt,
// version 2) and the manifest note (MFT version 1). Hostile input: every check names what
// it refused ("guest ELF: ...").
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include <solo5/abi.h>

#include "monitor/guest_image.hpp"

namespace ukmon::abi_solo5 {

struct Manifest {
    uint32_t target = 0;              // SOLO5_TARGET_HVT or SOLO5_TARGET_SPT
    std::vector<DeviceDecl> devices;  // one per manifest entry, entry 0 a no_device slot;
                                      // handle = index, as in Solo5
    std::vector<solo5_mft_entry> entries;  // as in the file (the guest gets a filled-in copy)
};

// nullopt when the image carries no Solo5 note at all (another personality's guest).
// UsageError for a malformed note, an unknown target or an ABI/manifest version this monitor
// does not speak.
std::optional<Manifest> read_manifest(const GuestImage& img);

const char* target_name(uint32_t target);  // "hvt", "spt"

}  // namespace ukmon::abi_solo5
