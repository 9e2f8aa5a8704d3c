// Reads the symbols that ukbake's generated assembly defines around the guest ELF.
#include "monitor/embedded_guest.hpp"

extern "C" const unsigned char ukmon_guest_elf_start[];
extern "C" const unsigned char ukmon_guest_elf_end[];

namespace ukmon {

std::span<const std::byte> embedded_guest() {
    return {reinterpret_cast<const std::byte*>(ukmon_guest_elf_start),
            size_t(ukmon_guest_elf_end - ukmon_guest_elf_start)};
}

}  // namespace ukmon
