// The ukmon personality: UKMON notes, the layout of monitor/abi/ukmon/layout.hpp, the boot
// info of boot_info.cpp and the hypercalls of hypercalls.cpp.
#include "monitor/abi/ukmon/personality.hpp"

#include <sys/syscall.h>

#include <ctime>

#include "monitor/abi/ukmon/boot_info.hpp"
#include "monitor/abi/ukmon/hypercalls.hpp"
#include "monitor/abi/ukmon/manifest.hpp"
#include "monitor/abi/ukmon/random.hpp"
#include "monitor/abi/ukmon/rights.hpp"

namespace ukmon::abi_ukmon {
namespace {

class UkmonPersonality final : public Personality {
public:
    UkmonPersonality(const GuestImage& img, Manifest m) : img_(img), manifest_(std::move(m)) {}
    const char* name() const override { return "ukmon"; }
    std::span<const DeviceDecl> manifest() const override { return manifest_.devices; }

    GuestRights layout(uint64_t mem_size, bool gate_in_guest) const override {
        check_fits(img_, mem_size);
        return guest_rights(img_, mem_size, gate_in_guest);
    }

    EntryState boot(const GuestMemory& mem, const BootEnv& env) const override {
        load_segments(mem, img_);
        uint64_t boot_info = write_boot_info(mem, img_, manifest_.devices, env);
        return EntryState{img_.entry, env.mem_size, boot_info};  // stack at the top of memory
    }

    void register_hypercalls(Dispatcher& d) const override { register_core_hypercalls(d); }

    void add_syscall_rules(SyscallPolicy& p) const override {
        p.allow(__NR_write, {{0, 1, ~0ull, "stdout"}}, "core", "puts hypercall: the guest's console");
        // Only the clocks the hypercalls and --stats read: any other id (a CPU-time clock of a
        // pid) would tell a guest under seccomp which host processes exist and what they ran.
        p.allow(__NR_clock_gettime, {{0, CLOCK_REALTIME, ~0ull, "CLOCK_REALTIME"}}, "core",
                "walltime hypercall (when the vDSO falls back)");
        p.allow(__NR_clock_gettime, {{0, CLOCK_MONOTONIC, ~0ull, "CLOCK_MONOTONIC"}}, "core",
                "walltime hypercall, --stats times (when the vDSO falls back)");
        p.allow(__NR_clock_nanosleep, {{0, CLOCK_MONOTONIC, ~0ull, "CLOCK_MONOTONIC"}}, "core",
                "poll hypercall without NICs: sleep until the deadline");
        add_random_rules(p);  // random hypercall: getrandom, flags 0 and short lengths only
    }

private:
    const GuestImage& img_;
    Manifest manifest_;
};

}  // namespace

std::unique_ptr<Personality> recognise(const GuestImage& img) {
    auto m = read_manifest(img);
    if (!m) return nullptr;
    return std::make_unique<UkmonPersonality>(img, std::move(*m));
}

}  // namespace ukmon::abi_ukmon
