// Guest RAM's huge pages (backends/kvm/guest_ram.hpp): the kernel's own record of each
// mapping's advice (/proc/self/smaps VmFlags: hg = MADV_HUGEPAGE, nh = MADV_NOHUGEPAGE)
// shows huge pages asked for exactly the 2 MiB chunks the page tables map large.
#include <doctest/doctest.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "arch/x86_64/long_mode.hpp"
#include "backends/kvm/guest_ram.hpp"
#include "monitor/guest_image.hpp"
#include <ukmon/abi.h>
#include "tests/unit/ukmon_rights.hpp"

using namespace ukmon;

namespace {

// The VmFlags line of the smaps entry that contains `addr`.
std::string vm_flags_at(const void* addr) {
    auto a = reinterpret_cast<uintptr_t>(addr);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        uintptr_t lo = 0, hi = 0;
        char dash = 0;
        std::istringstream head(line);
        if (head >> std::hex >> lo >> dash >> hi && dash == '-') inside = lo <= a && a < hi;
        else if (inside && line.rfind("VmFlags:", 0) == 0) return line;
    }
    return "";
}

bool has_flag(const std::string& flags, const char* f) { return (" " + flags + " ").find(std::string(" ") + f + " ") != std::string::npos; }

}  // namespace

TEST_CASE("guest RAM: no huge pages at first; then exactly the heap's whole 2 MiB chunks, never low memory or the stack") {
    constexpr uint64_t mib = 1ull << 20, mem = 16 * mib;
    Mapping ram = kvm::map_guest_ram(mem);
    auto* base = reinterpret_cast<char*>(ram.data());
    CHECK(reinterpret_cast<uintptr_t>(base) % (2 * mib) == 0);
    for (uint64_t at = 0; at < mem; at += 2 * mib) CHECK(has_flag(vm_flags_at(base + at), "nh"));

    GuestImage img;  // one text page at the link base, as the minimal-VM baseline has
    img.entry = UK_GUEST_LINK_BASE;
    img.segments.push_back({UK_GUEST_LINK_BASE, 4096, 0, 0, true, false, true});
    img.image_end = UK_GUEST_LINK_BASE + 4096;
    GuestRights rights = ukmon_test::ukmon_rights(img, mem);
    kvm::advise_huge_pages(ram, [&](uint64_t chunk) { return x86::maps_large_page(chunk, rights); });
    int large = 0;
    for (uint64_t at = 0; at < mem; at += 2 * mib) {
        CAPTURE(at);
        std::string flags = vm_flags_at(base + at);
        bool want = x86::maps_large_page(at, rights);
        large += want;
        CHECK(has_flag(flags, "hg") == want);
        CHECK(has_flag(flags, "nh") == !want);
    }
    CHECK(!x86::maps_large_page(0, rights));               // low memory and the image: 4 KiB pages
    CHECK(!x86::maps_large_page(mem - 2 * mib, rights));   // the guard page and the stack
    CHECK(large >= 5);                                      // the heap between them
}
