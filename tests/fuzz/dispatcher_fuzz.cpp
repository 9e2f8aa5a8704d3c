// Fuzz target: the hypercall dispatcher with the core, blk and net handlers, fed hostile
// hypercall numbers, argument-struct addresses and struct contents against a vector-backed
// guest memory laid out like a real guest's (boot area, gate page, text, rodata, data, heap,
// guard page, stack), restricted to the guest's own rights as the backends restrict it.
// Devices: blk "disk" (handle 1, read-write) and "ro" (handle 2, read-only) on memfds; net
// "service" (handle 0) on a TAP in a private network namespace when this process may make
// one (root), else unattached (its calls then stop at the handle check).
//
// Input: a sequence of operations (see Op below). Invariants, per operation: the call
// returns or throws GuestFault (never anything else, never a crash, never ASan); a call that
// returns wrote a valid uk_status into `ret`; no byte the guest cannot write (boot area, gate
// page, text, rodata, guard page) changed.
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "modules/blk/blk_module.hpp"
#include "monitor/abi/ukmon/rights.hpp"
#include "modules/net/net_module.hpp"
#include "monitor/abi/ukmon/hypercalls.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/error.hpp"
#include "monitor/guest_access.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

using namespace ukmon;

constexpr uint64_t mem_size = 3ull << 20;  // the smallest layout with a heap: see regions()
constexpr uint64_t low = layout::guest_visible_low;
constexpr uint64_t text = 0x100000, rodata = 0x101000, data = 0x102000, data_end = 0x104000;
constexpr uint64_t disk_bytes = 64 << 10;
const char* const tap_name = "ukfz0";

// Interesting addresses; an operation names one plus a small signed offset.
constexpr uint64_t anchors[] = {0,
                                0x1000,                   // monitor-private (page tables)
                                layout::boot_area,        // read-only boot info
                                layout::gate_page,        // gate: no hypercall access
                                text,
                                rodata,
                                data,
                                data_end,                 // heap start
                                mem_size - layout::stack_size - layout::page,  // guard page
                                mem_size - layout::stack_size,                 // stack
                                mem_size,
                                1ull << 32,
                                UINT64_MAX};

struct World {
    GuestImage image;
    GuestAccessMap access;
    std::vector<std::byte> ram = std::vector<std::byte>(mem_size - low);
    std::vector<std::byte> before;  // the guest-read-only bytes, as they must stay
    Dispatcher dispatcher;
    blk::BlkModule blk;
    net::NetModule net;
    UniqueFd console, disk, ro_disk;
    std::unique_ptr<RunContext> ctx;
};
World* world = nullptr;

UniqueFd memfd(const char* name) {
    UniqueFd fd(::memfd_create(name, MFD_CLOEXEC));
    FUZZ_CHECK(bool(fd));
    FUZZ_CHECK(::ftruncate(fd.get(), disk_bytes) == 0);
    return fd;
}

// A persistent TAP in a network namespace of our own (never the host's), left down so no
// traffic ever reaches it: reads find nothing, writes fail, validation runs in full.
bool make_private_tap() {
    if (::unshare(CLONE_NEWNET) != 0) return false;
    UniqueFd tun(::open("/dev/net/tun", O_RDWR | O_CLOEXEC));
    if (!tun) return false;
    ifreq ifr{};
    std::strcpy(ifr.ifr_name, tap_name);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    return ::ioctl(tun.get(), TUNSETIFF, &ifr) == 0 && ::ioctl(tun.get(), TUNSETPERSIST, 1) == 0;
}

void init() {
    if (world) return;
    world = new World;
    World& w = *world;
    w.image.segments = {{text, 0x1000, 0, 0, true, false, true},
                        {rodata, 0x1000, 0, 0, true, false, false},
                        {data, data_end - data, 0, 0, true, true, false}};
    w.image.entry = text;
    w.image.image_end = data_end;
    w.access = guest_access_map(abi_ukmon::guest_rights(w.image, mem_size, true));

    w.disk = memfd("disk");
    w.ro_disk = memfd("ro");
    std::string disk_path = "/proc/self/fd/" + std::to_string(w.disk.get());
    std::string ro_path = "/proc/self/fd/" + std::to_string(w.ro_disk.get());
    DeclaredDevice disks[] = {{1, "disk"}, {2, "ro"}};
    DeviceOption disk_opts[] = {{"block", "disk", disk_path, "--block:disk=" + disk_path},
                                {"block-ro", "ro", ro_path, "--block-ro:ro=" + ro_path}};
    w.blk.attach(disks, disk_opts);
    if (make_private_tap()) {
        DeclaredDevice nic[] = {{0, "service"}};
        DeviceOption nic_opt[] = {{"net", "service", std::string(tap_name), "--net:service=ukfz0"}};
        w.net.attach(nic, nic_opt);
    } else {
        std::fprintf(stderr, "dispatcher fuzz: no private TAP (not root?): net calls stop at the handle check\n");
    }
    w.net.register_hypercalls(w.dispatcher);
    w.blk.register_hypercalls(w.dispatcher);
    register_core_hypercalls(w.dispatcher);
    w.console = UniqueFd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
    FUZZ_CHECK(bool(w.console));
    GuestMemory mem(w.ram.data(), low, mem_size);
    w.ctx = std::make_unique<RunContext>(RunContext{mem.restricted_to(&w.access), w.console.get(), {}, {}});
}

// Reads the input front to back; past its end, zeros.
class Reader {
public:
    Reader(const uint8_t* d, size_t n) : d_(d), n_(n) {}
    bool done() const { return at_ >= n_; }
    uint8_t u8() { return at_ < n_ ? d_[at_++] : 0; }
    uint64_t u64() {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v |= uint64_t(u8()) << (8 * i);
        return v;
    }
    // An anchor plus a signed 16-bit offset, or (selector 0) a raw 64-bit value.
    uint64_t address() {
        uint8_t sel = u8() % (std::size(anchors) + 1);
        if (sel == 0) return u64();
        int16_t off = int16_t(u8() | (u8() << 8));
        return anchors[sel - 1] + uint64_t(int64_t(off));
    }

private:
    const uint8_t* d_;
    size_t n_;
    size_t at_ = 0;
};

// The bytes the guest may not write: [boot area, data) (boot info, gate, text, rodata) and
// the guard page. `before` is their expected content: refreshed when the input itself puts
// bytes there (as an ELF or the boot info would), compared after every call.
constexpr uint64_t guard = mem_size - layout::stack_size - layout::page;
struct Protected {
    uint64_t start, end;
};
constexpr Protected protected_ranges[] = {{low, data}, {guard, guard + layout::page}};

void snapshot(World& w) {
    w.before.clear();
    for (const Protected& p : protected_ranges)
        w.before.insert(w.before.end(), w.ram.begin() + (p.start - low), w.ram.begin() + (p.end - low));
}

bool unchanged(const World& w) {
    size_t at = 0;
    for (const Protected& p : protected_ranges) {
        if (std::memcmp(w.before.data() + at, w.ram.data() + (p.start - low), p.end - p.start) != 0) return false;
        at += p.end - p.start;
    }
    return true;
}

void put(World& w, uint64_t gpa, const void* bytes, uint64_t len) {
    if (!(gpa >= low && gpa <= mem_size && len <= mem_size - gpa)) return;
    std::memcpy(w.ram.data() + (gpa - low), bytes, len);
    for (const Protected& p : protected_ranges)
        if (gpa < p.end && gpa + len > p.start) snapshot(w);
}

// One operation:
//   u8 mode: bits 0-1 number (0: u8 % 16, 1: raw u64, 2-3: u8 % UK_HC_MAX); bit 2: write the
//            struct into guest memory first; bit 3: its pointer field is an address() (data,
//            frames or cookie); bit 4: also write a vector of frames there (netwritev/readv)
//   the number, the struct address (address()), 48 struct bytes, [the pointer], [frames]
void one(World& w, Reader& in) {
    uint8_t mode = in.u8();
    uint64_t nr;
    switch (mode & 3) {
        case 0: nr = in.u8() % 16; break;
        case 1: nr = in.u64(); break;
        default: nr = in.u8() % UK_HC_MAX; break;
    }
    uint64_t arg = in.address();
    std::array<uint64_t, 6> s{};
    for (auto& f : s) f = in.u64();
    // The pointer field: puts.data, blkio.data (3), netio.data (2), netv.frames (2), halt.cookie
    // (2), netpoll.frames (4).
    int ptr_field = nr == UK_HC_PUTS                              ? 1
                    : nr == UK_HC_BLKREAD || nr == UK_HC_BLKWRITE ? 3
                    : nr == UK_HC_NETPOLL                         ? 4
                                                                  : 2;
    if (mode & 8) s[ptr_field] = in.address();
    // poll and netpoll: timeout_ns at offset 8 in both. A real wait would only slow the fuzzer.
    const bool waits = nr == UK_HC_POLL || nr == UK_HC_NETPOLL;
    if (waits) s[1] %= 1000;
    if (nr == UK_HC_HALT && (mode & 3) != 1) s[3] %= 512;
    if (mode & 16) {
        uint8_t count = in.u8() % 8;
        for (uint8_t i = 0; i < count; ++i) {
            uint64_t frame[3] = {in.address(), in.u64() % 4096, in.u64()};
            put(w, s[nr == UK_HC_NETPOLL ? 4 : 2] + i * sizeof frame, frame, sizeof frame);
        }
    }
    if (mode & 4) put(w, arg, s.data(), sizeof s);
    if (waits) {  // whatever the struct holds, never a real wait (the wait is the host's)
        uint64_t timeout = s[1];
        put(w, arg + offsetof(uk_hc_poll, timeout_ns), &timeout, sizeof timeout);
        static_assert(offsetof(uk_hc_poll, timeout_ns) == offsetof(uk_hc_netpoll, timeout_ns));
    }
    w.ctx->halt.reset();
    bool returned = false;
    try {
        w.dispatcher.dispatch(*w.ctx, nr, arg);
        returned = true;
    } catch (const GuestFault&) {
        // the run would end here with a diagnosis: fine
    }
    FUZZ_CHECK(unchanged(w));
    if (returned) {
        FUZZ_CHECK(nr < UK_HC_MAX);
        if (nr != UK_HC_HALT) {
            auto ret = w.ctx->mem.read<int64_t>(arg);
            FUZZ_CHECK(ret >= UK_OK && ret <= UK_EIO);
        } else {
            FUZZ_CHECK(w.ctx->halt.has_value());
        }
    }
}

int run(const uint8_t* d, size_t n) {
    if (!world) init();
    World& w = *world;
    std::memset(w.ram.data(), 0xA5, w.ram.size());
    snapshot(w);
    Reader in(d, n);
    for (int ops = 0; !in.done() && ops < 64; ++ops) one(w, in);
    return 0;
}

}  // namespace

UKMON_FUZZ_TARGET(dispatcher, run, init)
