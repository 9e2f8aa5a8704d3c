// Solo5 hvt layout and boot info (see hvt.hpp).
#include "monitor/abi/solo5/hvt.hpp"

#include <cstring>
#include <string>

#include "monitor/abi/solo5/spt.hpp"
#include "monitor/error.hpp"

namespace ukmon::abi_solo5::hvt {

GuestRights rights(const GuestImage& img, uint64_t mem_size) {
    spt::check_fits(img, mem_size);
    using K = GuestRegion::Kind;
    GuestRights g;
    g.add({tables, low_end, true, true, false, K::boot_info});
    g.add_segments(img);
    g.add({img.image_end, mem_size, true, true, false, K::heap});
    return g;
}

uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, std::span<const solo5_mft_entry> mft,
                         const BootEnv& env) {
    if (env.tsc_hz == 0) throw HostError("kvm: the host gives no TSC frequency, which a Solo5 hvt guest needs", ENOTSUP);
    std::string cmdline = spt::join_cmdline(env.args, SOLO5_HVT_CMDLINE_SIZE);
    solo5_hvt_boot_info bi{};
    bi.mem_size = env.mem_size;
    bi.kernel_end = img.image_end;
    bi.cpu_cycle_freq = env.tsc_hz;
    uint64_t at = boot_area + sizeof bi;
    bi.mft = at;
    mem.write(at, solo5_mft{SOLO5_MFT_VERSION, uint32_t(mft.size())}, "boot area");
    at += sizeof(solo5_mft);
    for (solo5_mft_entry e : mft) {
        e.b.data = 0;  // host fds are no business of an hvt guest
        mem.write(at, e, "boot area");
        at += sizeof e;
    }
    bi.cmdline = at;
    auto dst = mem.span(at, cmdline.size() + 1, "boot area");
    std::memcpy(dst.data(), cmdline.c_str(), cmdline.size() + 1);
    if (at + SOLO5_HVT_CMDLINE_SIZE > low_end) throw std::logic_error("Solo5 hvt boot area overflow");
    mem.write(boot_area, bi, "boot info");
    return boot_area;
}

void find_devices(std::span<const solo5_mft_entry> mft, std::span<Module* const> modules, Devices& out) {
    out = Devices{};
    for (uint32_t i = 1; i < mft.size() && i < SOLO5_MFT_MAX_ENTRIES; ++i) {
        for (Module* m : modules)
            if (m->device_info(i, out.info[i])) out.module[i] = m;
        if (!out.module[i]) continue;
        out.type[i] = mft[i].type;
        if (mft[i].type == SOLO5_MFT_NET_BASIC) {
            out.pollfds[out.nics] = pollfd{out.info[i].fd, POLLIN, 0};
            out.poll_handles[out.nics++] = i;
        }
    }
}

}  // namespace ukmon::abi_solo5::hvt
