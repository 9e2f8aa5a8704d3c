// Solo5 spt layout, boot info and device model (see spt.hpp).
#include "monitor/abi/solo5/spt.hpp"

#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>

#include <cstring>
#include <ctime>

#include "arch/native.hpp"
#include "monitor/error.hpp"

namespace ukmon::abi_solo5::spt {
namespace {

constexpr uint64_t page = 4096;
// Room above the image for the stack and a little heap; Solo5's own minimum is of this order.
constexpr uint64_t min_free = 1ull << 20;
constexpr uint64_t gate = SOLO5_SPT_GUEST_MIN_BASE - page;  // kvm: the monitor's SYSCALL stub

}  // namespace

void check_fits(const GuestImage& img, uint64_t mem_size) {
    if (img.image_end > mem_size || mem_size - img.image_end < min_free)
        throw UsageError("guest image ends at " + std::to_string(img.image_end >> 10) +
                         " KiB; with 1 MiB for heap and stack it needs more than --mem=" +
                         std::to_string(mem_size >> 20) + "M");
}

GuestRights rights(const GuestImage& img, uint64_t mem_size, bool gate_page) {
    check_fits(img, mem_size);
    using K = GuestRegion::Kind;
    GuestRights g;
    g.add({boot_area, boot_area_end, true, false, false, K::boot_info});
    if (gate_page) g.add({gate, gate + page, true, false, true, K::gate});
    g.add_segments(img);
    g.add({img.image_end, mem_size, true, true, false, K::heap});
    return g;
}

std::vector<solo5_mft_entry> attached_manifest(std::span<const solo5_mft_entry> entries,
                                               std::span<Module* const> modules) {
    std::vector<solo5_mft_entry> out(entries.begin(), entries.end());
    for (uint32_t i = 1; i < out.size(); ++i) {
        solo5_mft_entry& e = out[i];
        DeviceInfo info;
        bool found = false;
        for (Module* m : modules) found = found || m->device_info(i, info);
        if (!found) throw UsageError(std::string("Solo5 device '") + e.name + "' has no attached device behind it");
        std::memset(&e.u, 0, sizeof e.u);
        if (e.type == SOLO5_MFT_BLOCK_BASIC) {
            if (info.block_size > UINT16_MAX)
                throw UsageError(std::string("blk device '") + e.name + "': a Solo5 block size is at most 32768");
            e.u.block.capacity = info.capacity;
            e.u.block.block_size = uint16_t(info.block_size);
        } else {
            std::memcpy(e.u.net.mac, info.mac, sizeof info.mac);
            e.u.net.mtu = uint16_t(info.mtu > UINT16_MAX ? UINT16_MAX : info.mtu);
        }
        e.b.data = 0;
        e.b.hostfd = info.fd;
        e.attached = 1;
    }
    return out;
}

WaitFds make_wait_fds(std::span<const solo5_mft_entry> attached) {
    WaitFds f;
    f.epoll = UniqueFd(::epoll_create1(EPOLL_CLOEXEC));
    if (!f.epoll) throw_errno("epoll_create1 for the Solo5 spt guest");
    f.timer = UniqueFd(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC));
    if (!f.timer) throw_errno("timerfd_create for the Solo5 spt guest");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = SOLO5_SPT_TIMERFD_ID;
    if (::epoll_ctl(f.epoll.get(), EPOLL_CTL_ADD, f.timer.get(), &ev) != 0) throw_errno("epoll_ctl (timerfd)");
    for (uint32_t i = 1; i < attached.size(); ++i) {
        if (attached[i].type != SOLO5_MFT_NET_BASIC || !attached[i].attached) continue;
        ev.data.u64 = i;  // the handle: what the guest's epoll_pwait reports as ready
        if (::epoll_ctl(f.epoll.get(), EPOLL_CTL_ADD, attached[i].b.hostfd, &ev) != 0) throw_errno("epoll_ctl (TAP)");
    }
    return f;
}

std::string join_cmdline(const std::vector<std::string>& args, size_t max_with_nul) {
    std::string cmdline;
    for (const std::string& a : args) {
        if (a.find('\0') != std::string::npos) throw UsageError("guest argument contains a NUL byte");
        cmdline += (cmdline.empty() ? "" : " ") + a;
    }
    if (cmdline.size() + 1 > max_with_nul)
        throw UsageError("guest command line too long (" + std::to_string(cmdline.size()) + " characters; at most " +
                         std::to_string(max_with_nul - 1) + ")");
    return cmdline;
}

uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, std::span<const solo5_mft_entry> mft,
                         const BootEnv& env, const WaitFds& fds) {
    std::string cmdline = join_cmdline(env.args, SOLO5_SPT_CMDLINE_SIZE);
    uint64_t at = boot_area + sizeof(solo5_spt_boot_info);
    solo5_spt_boot_info bi{};
    bi.mem_size = env.mem_size;
    bi.kernel_end = img.image_end;
    bi.epollfd = fds.epoll.get();
    bi.timerfd = fds.timer.get();
    bi.mft = at;
    solo5_mft head{SOLO5_MFT_VERSION, uint32_t(mft.size())};
    mem.write(at, head, "boot area");
    at += sizeof head;
    for (const solo5_mft_entry& e : mft) {
        mem.write(at, e, "boot area");
        at += sizeof e;
    }
    bi.cmdline = at;
    auto dst = mem.span(at, cmdline.size() + 1, "boot area");
    std::memcpy(dst.data(), cmdline.c_str(), cmdline.size() + 1);
    if (at + cmdline.size() + 1 > boot_area_end) throw std::logic_error("Solo5 spt boot area overflow");
    mem.write(boot_area, bi, "boot info");
    return boot_area;
}

void add_syscall_rules(SyscallPolicy& p, const WaitFds& fds) {
    const std::string who = "solo5-spt";
    p.allow(__NR_write, {{0, 1, ~0ull, "stdout"}}, who, "solo5_console_write: the guest's console");
    p.allow(__NR_clock_gettime, {{0, CLOCK_MONOTONIC, ~0ull, "CLOCK_MONOTONIC"}}, who, "solo5_clock_monotonic");
    p.allow(__NR_clock_gettime, {{0, CLOCK_REALTIME, ~0ull, "CLOCK_REALTIME"}}, who, "solo5_clock_wall");
    p.allow(__NR_epoll_pwait, {{0, uint64_t(fds.epoll.get()), ~0ull, "its epoll fd"}}, who,
            "solo5_yield: wait for a NIC or the timer");
    p.allow(__NR_timerfd_settime, {{0, uint64_t(fds.timer.get()), ~0ull, "its timerfd"}}, who,
            "solo5_yield: arm the deadline");
    arch::allow_set_thread_pointer(p, who, "solo5_set_tls_base");
}

}  // namespace ukmon::abi_solo5::spt
