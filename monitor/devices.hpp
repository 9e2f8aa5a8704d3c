// The manifest check: every declared device is served by a linked module and attached by
// an option; no option names an undeclared device. Runs before boot.
#pragma once
#include <span>

#include "monitor/cli.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/module.hpp"

namespace ukmon {

// Hands each module its declared devices (from the personality's manifest; handle = index)
// and its options, then lets it attach. UsageError
// naming the device on any mismatch.
void attach_devices(std::span<const DeviceDecl> manifest, const Options& options, std::span<Module* const> modules);

const char* device_type_name(uint32_t type);  // "net", "blk"

}  // namespace ukmon
