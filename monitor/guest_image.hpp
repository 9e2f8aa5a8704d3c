// A guest unikernel parsed from its ELF bytes: what to load where, its entry, its notes
// (which a personality interprets: monitor/personality.hpp) and its function symbols for
// diagnoses. Nothing here depends on the guest ABI.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ukmon {

struct Segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t file_offset;
    uint64_t filesz;
    bool readable, writable, executable;
};

// A device the guest's manifest declares (read by its personality).
struct DeviceDecl {
    uint32_t type;  // enum uk_device_type
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
    uint64_t entry = 0;
    std::vector<Segment> segments;        // PT_LOAD, sorted by address, non-overlapping
    uint64_t image_end = 0;               // end of the highest segment, page aligned
    std::vector<ElfNote> notes;           // in file order
    std::vector<GuestSymbol> functions;   // sorted by address; empty if stripped

    // The function containing addr, or nullptr. Allocation-free (used by signal handlers).
    const GuestSymbol* function_at(uint64_t addr) const;
    // "name+0xoff" for an address inside a known function, else "".
    std::string symbolize(uint64_t addr) const;
};

// Largest address a guest image may reach (guest memory is at most 4 GiB).
inline constexpr uint64_t max_image_end = 0x1'0000'0000ull;

// Parses and validates; any malformed or hostile input throws UsageError with one line that
// names the problem ("guest ELF: ..."). Notes are only collected here.
GuestImage parse_guest_image(std::span<const std::byte> elf_bytes);

}  // namespace ukmon
