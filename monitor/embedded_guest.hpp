// The guest ELF that ukbake embedded into this executable, as bytes.
#pragma once
#include <cstddef>
#include <span>

namespace ukmon {
std::span<const std::byte> embedded_guest();
}
