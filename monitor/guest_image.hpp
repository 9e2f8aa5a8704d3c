// A guest unikernel parsed from its ELF bytes: what to load where, its entry, its notes
// (which a personality interprets: monitor/personality.hpp) and its function symbols for
// diagnoses. Nothing here depends on the guest ABI.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "arch/machine.hpp"

namespace ukmon {

struct Segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t file_offset;
    uint64_t filesz;
    bool readable, writable, executable;
};

// A device the guest's manifest declares (read by its personality). Type 0 is a slot that
// holds no device (a personality whose handles are manifest positions may reserve some).
inline constexpr uint32_t no_device = 0;
struct DeviceDecl {
    uint32_t type;  // enum uk_device_type, or no_device
    std::string name;
    bool operator==(const DeviceDecl&) const = default;
};

// One ELF note from a PT_NOTE segment, as found.
struct ElfNote {
    std::string owner;  // the name, without its terminating NUL
    uint32_t type;
    std::vector<std::byte> desc;
};

struct GuestSymbol {
    uint64_t addr;
    uint64_t size;
    std::string name;
};

struct GuestImage {
    std::span<const std::byte> bytes;     // the whole ELF file, not owned
    uint16_t machine = 0;                 // e_machine: EM_X86_64 or EM_AARCH64
    uint64_t entry = 0;
    std::vector<Segment> segments;        // PT_LOAD, sorted by address, non-overlapping
    uint64_t image_end = 0;               // end of the highest segment, page aligned
    std::vector<ElfNote> notes;           // in file order
    std::string interp;                   // PT_INTERP's text, if any (a personality decides)
    std::vector<GuestSymbol> functions;   // sorted by address; empty if stripped

    // The function containing addr, or nullptr. Allocation-free (used by signal handlers).
    const GuestSymbol* function_at(uint64_t addr) const;
    // "name+0xoff" for an address inside a known function, else "".
    std::string symbolize(uint64_t addr) const;
};

// Writes " (fn+0x12)" for an address inside a known guest function, else "".
// Allocation-free (signal handlers).
void format_symbol(char* out, size_t size, uint64_t addr, const GuestImage& img);

// Largest address a guest image may reach (guest memory is at most 4 GiB).
inline constexpr uint64_t max_image_end = 0x1'0000'0000ull;

// The machine of the build (the guest a monitor can run), and "either" for tools that only
// read a manifest (ukmon-inspect, which a cross build runs on the build machine).
inline constexpr uint16_t native_machine = arch::elf_machine;
inline constexpr uint16_t any_machine = 0xFFFF;

// Parses and validates; any malformed or hostile input throws UsageError with one line that
// names the problem ("guest ELF: ..."). Notes are only collected here. A guest of another
// machine than `machine` is refused.
GuestImage parse_guest_image(std::span<const std::byte> elf_bytes, uint16_t machine = native_machine);

}  // namespace ukmon
