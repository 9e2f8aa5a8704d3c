// The ukmon boot info (see boot_info.hpp).
#include "monitor/abi/ukmon/boot_info.hpp"

#include <algorithm>
#include <cstring>

#include <ukmon/abi.h>

#include "monitor/error.hpp"
#include "monitor/abi/ukmon/layout.hpp"

namespace ukmon {

void check_fits(const GuestImage& img, uint64_t mem_size) {
    if (!layout::fits(img.image_end, mem_size))
        throw UsageError("guest image ends at " + std::to_string(img.image_end >> 10) +
                         " KiB; with the 1 MiB stack it needs more than --mem=" +
                         std::to_string(mem_size >> 20) + "M");
}

namespace {

// Appends bytes to the boot area, refusing (not truncating) when full.
class BootAreaWriter {
public:
    BootAreaWriter(const GuestMemory& mem, uint64_t at, uint64_t end) : mem_(mem), at_(at), end_(end) {}
    uint64_t put(const void* data, uint64_t len, uint64_t align = 1) {
        at_ = (at_ + align - 1) & ~(align - 1);
        if (len > end_ - at_)
            throw UsageError("guest arguments are too long: the boot area holds " +
                             std::to_string(layout::boot_area_end - layout::boot_area - sizeof(uk_boot_info)) +
                             " bytes of arguments");
        auto dst = mem_.span(at_, len, "boot area");
        std::memcpy(dst.data(), data, len);
        uint64_t where = at_;
        at_ += len;
        return where;
    }

private:
    const GuestMemory& mem_;
    uint64_t at_, end_;
};

}  // namespace

uint64_t write_boot_info(const GuestMemory& mem, const GuestImage& img, std::span<const DeviceDecl> devices,
                         const BootEnv& p) {
    uk_boot_info bi{};
    bi.abi_version = UK_ABI_VERSION;
    bi.backend = p.backend;
    bi.mem_size = p.mem_size;
    auto r = layout::regions(img.image_end, p.mem_size);
    bi.heap_start = r.heap_start;
    bi.heap_end = r.heap_end;
    bi.tsc_hz = p.tsc_hz;
    bi.clock_tsc = p.clock.tsc;
    bi.clock_wall_ns = p.clock.wall_ns;
    bi.hypercall_gate = p.gate;
    bi.device_count = uint32_t(devices.size());
    for (size_t i = 0; i < devices.size(); ++i) {
        bi.devices[i].type = devices[i].type;
        bi.devices[i].handle = uint32_t(i);  // handle = position in the manifest
        std::memcpy(bi.devices[i].name, devices[i].name.c_str(), devices[i].name.size() + 1);
    }

    BootAreaWriter out(mem, layout::boot_area + sizeof(uk_boot_info), layout::boot_area_end);
    std::vector<uint64_t> argv;
    std::string cmdline;
    argv.push_back(out.put(p.program_name.c_str(), p.program_name.size() + 1));
    for (const std::string& a : p.args) {
        if (a.find('\0') != std::string::npos) throw UsageError("guest argument contains a NUL byte");
        argv.push_back(out.put(a.c_str(), a.size() + 1));
        cmdline += (cmdline.empty() ? "" : " ") + a;
    }
    bi.argc = p.args.size() + 1;
    argv.push_back(0);
    bi.argv = out.put(argv.data(), argv.size() * sizeof(uint64_t), 8);
    bi.cmdline = out.put(cmdline.c_str(), cmdline.size() + 1);
    mem.write(layout::boot_area, bi, "boot info");
    return layout::boot_area;
}

}  // namespace ukmon
