// Fuzz target: the guest ELF loader and manifest (parse_guest_image), then everything the
// backends derive from an accepted image: the fit check, segment loading, the boot info, the
// kvm page tables and the hypercall access map. Input: the ELF file's bytes.
//
// Invariants: a refusal is a one-line UsageError starting "guest ELF: "; an accepted image
// has sorted, page-disjoint, W^X segments inside [1 MiB, 4 GiB) whose file ranges lie in the
// file, its entry in an executable segment, the ABI version this monitor speaks and a valid
// manifest; loading it never touches memory outside the guest's, and the page tables and the
// access map agree with the segments.
#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>

#include <ukmon/abi.h>

#include "arch/x86_64/long_mode.hpp"
#include "monitor/abi/ukmon/boot_info.hpp"
#include "monitor/error.hpp"
#include "monitor/guest_access.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/personality.hpp"
#include "monitor/segment_loader.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

using namespace ukmon;

bool valid_name(const std::string& n) {
    if (n.empty() || n.size() >= UK_DEVICE_NAME_MAX) return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}

void check_image(const GuestImage& img, std::span<const DeviceDecl> devices, size_t file_size) {
    FUZZ_CHECK(!img.segments.empty());
    bool entry_ok = false;
    for (size_t i = 0; i < img.segments.size(); ++i) {
        const Segment& s = img.segments[i];
        FUZZ_CHECK(s.vaddr >= UK_GUEST_LINK_BASE);
        FUZZ_CHECK(s.vaddr <= max_image_end && s.memsz <= max_image_end - s.vaddr);
        FUZZ_CHECK(s.filesz <= s.memsz);
        FUZZ_CHECK(s.file_offset <= file_size && s.filesz <= file_size - s.file_offset);
        FUZZ_CHECK(!(s.writable && s.executable));
        if (i > 0) {
            const Segment& p = img.segments[i - 1];
            FUZZ_CHECK((s.vaddr & ~(layout::page - 1)) >= layout::page_up(p.vaddr + p.memsz));
        }
        entry_ok |= s.executable && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz;
    }
    FUZZ_CHECK(entry_ok);
    const Segment& last = img.segments.back();
    FUZZ_CHECK(img.image_end == layout::page_up(last.vaddr + last.memsz));
    FUZZ_CHECK(devices.size() <= UK_MAX_DEVICES);
    for (size_t i = 0; i < devices.size(); ++i) {
        FUZZ_CHECK(devices[i].type == UK_DEV_NET || devices[i].type == UK_DEV_BLK);
        FUZZ_CHECK(valid_name(devices[i].name));
        for (size_t j = 0; j < i; ++j) FUZZ_CHECK(devices[i].name != devices[j].name);
    }
    FUZZ_CHECK(std::is_sorted(img.functions.begin(), img.functions.end(),
                              [](auto& a, auto& b) { return a.addr < b.addr; }));
    (void)img.symbolize(img.entry);
    (void)img.symbolize(0);
    (void)img.symbolize(UINT64_MAX);
}

// Guest memory as the backends build it, in a mapping followed by an inaccessible page so a
// write past the end faults here (ASan does not watch mmap'd memory).
class FakeMemory {
public:
    explicit FakeMemory(uint64_t size) : size_(size) {
        void* p = ::mmap(nullptr, size + layout::page, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        FUZZ_CHECK(p != MAP_FAILED);
        base_ = static_cast<std::byte*>(p);
        FUZZ_CHECK(::mprotect(base_ + size, layout::page, PROT_NONE) == 0);
    }
    ~FakeMemory() { ::munmap(base_, size_ + layout::page); }
    GuestMemory memory() const { return GuestMemory(base_, 0, size_); }

private:
    std::byte* base_;
    uint64_t size_;
};

// What the backends do with an accepted image, in the smallest memory it fits.
void boot_image(const GuestImage& img, const Personality& personality) {
    constexpr uint64_t two_mib = 2ull << 20, limit = 64ull << 20;
    if (img.image_end > limit) return;  // fine for the monitor, too big to fuzz quickly
    uint64_t mem_size = std::max<uint64_t>(4ull << 20, (img.image_end + layout::stack_size + 2 * layout::page +
                                                         two_mib - 1) & ~(two_mib - 1));
    GuestRights rights;
    try {
        rights = personality.layout(mem_size, true);
    } catch (const UsageError&) {
        FUZZ_CHECK(false && "an image of this size must fit the memory computed for it");
    }
    FakeMemory fake(mem_size);
    GuestMemory mem = fake.memory();
    BootEnv env;
    env.mem_size = mem_size;
    env.gate = layout::gate_page;
    env.program_name = "fuzz";
    EntryState entry = personality.boot(mem, env);
    FUZZ_CHECK(entry.arg == layout::boot_area);
    GuestAccessMap access = guest_access_map(rights);
    try {
        x86::build_long_mode(mem, rights, mem_size, false);
    } catch (const UsageError&) {
        return;  // more page tables than the private area holds: refused with a message
    }
    // The page tables never give the guest more than the access map does, and never W+X.
    for (uint64_t a = 0; a < mem_size; a += layout::page) {
        x86::PageInfo info{};
        bool present = x86::lookup_page(mem, a, info);
        if (!present || !info.user) {
            FUZZ_CHECK(!access.allows(a, 1, false));
            continue;
        }
        FUZZ_CHECK(!(info.writable && info.executable));
        FUZZ_CHECK(info.writable == access.allows(a, layout::page, true));
    }
}

int run(const uint8_t* data, size_t size) {
    std::span<const std::byte> bytes(reinterpret_cast<const std::byte*>(data), size);
    GuestImage img;
    std::unique_ptr<Personality> personality;
    try {
        img = parse_guest_image(bytes);
        personality = recognise_personality(img);
    } catch (const UsageError& e) {
        std::string msg = e.what();
        FUZZ_CHECK(msg.rfind("guest ELF: ", 0) == 0);
        FUZZ_CHECK(msg.find('\n') == std::string::npos);
        return 0;
    }
    check_image(img, personality->manifest(), size);
    boot_image(img, *personality);
    return 0;
}

}  // namespace

UKMON_FUZZ_TARGET(elf_loader, run, nullptr)
