// The Solo5 personality: Solo5 notes (manifest.cpp); spt layout, boot info and device model
// (spt.cpp); hvt layout, boot info and hypercalls (hvt*.cpp).
#include "monitor/abi/solo5/personality.hpp"

#include <optional>

#include "monitor/abi/solo5/hvt.hpp"
#include "monitor/abi/solo5/manifest.hpp"
#include "monitor/abi/solo5/spt.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/segment_loader.hpp"

namespace ukmon::abi_solo5 {
namespace {

class Solo5Personality final : public Personality {
public:
    Solo5Personality(const GuestImage& img, Manifest m) : img_(img), manifest_(std::move(m)) {}
    const char* name() const override { return spt() ? "solo5-spt" : "solo5-hvt"; }
    std::span<const DeviceDecl> manifest() const override { return manifest_.devices; }

    GuestRights layout(uint64_t mem_size, bool gate_in_guest) const override {
        return spt() ? spt::rights(img_, mem_size, gate_in_guest) : hvt::rights(img_, mem_size);
    }

    // spt runs on both (under kvm the monitor serves its system calls); hvt needs kvm.
    void check_backend(uint32_t kind) const override {
        if (!spt() && kind != UK_BACKEND_KVM) throw UsageError("a Solo5 hvt image needs --backend=kvm");
    }

    void devices_attached(std::span<Module* const> modules) override {
        mft_ = spt::attached_manifest(manifest_.entries, modules);
        if (spt()) wait_ = spt::make_wait_fds(mft_);
        hvt::find_devices(mft_, modules, devices_);  // the hypercalls' (and served calls') view
        devices_.image = &img_;
    }

    std::optional<RunOutcome> serve_syscall(RunContext& ctx, GuestSyscall& call) const override {
        return spt::serve_syscall(ctx, call, devices_, wait_);
    }

    // x86_64 entry as the tenders make it: (rsp + 8) % 16 == 0, rdi = boot info.
    EntryState boot(const GuestMemory& mem, const BootEnv& env) const override {
        load_segments(mem, img_);
        if (spt()) {
            EntryState e{img_.entry, env.mem_size - 8, spt::write_boot_info(mem, img_, mft_, env, wait_)};
            e.serve_syscalls = env.backend == UK_BACKEND_KVM;  // no host kernel under it: we are its kernel
            return e;
        }
        EntryState e{img_.entry, env.mem_size - 8, hvt::write_boot_info(mem, img_, mft_, env)};
        e.privilege = EntryState::Privilege::kernel;
        e.kernel_tables = hvt::tables;
        e.spare_page = hvt::spare_page;
        return e;
    }

    void register_hypercalls(Dispatcher& d, std::span<Module* const>) const override {
        if (!spt()) hvt::register_hypercalls(d, devices_);
    }

    void add_syscall_rules(SyscallPolicy& p) const override {
        if (spt()) spt::add_syscall_rules(p, wait_);
        else hvt::add_syscall_rules(p, devices_);
    }

    bool guest_makes_system_calls() const override { return spt(); }
    BackendChoice native_backend() const override { return spt() ? BackendChoice::seccomp : BackendChoice::kvm; }
    uint64_t max_halt_status() const override { return 255; }
    int exit_code(int ukmon_code, const RunOutcome* o) const override { return abi_solo5::exit_code(ukmon_code, o); }

private:
    bool spt() const { return manifest_.target == SOLO5_TARGET_SPT; }

    const GuestImage& img_;
    Manifest manifest_;
    std::vector<solo5_mft_entry> mft_;  // the guest's copy, attached
    spt::WaitFds wait_;      // spt
    hvt::Devices devices_;   // the attached devices by handle (hvt hypercalls, spt under kvm)
};

}  // namespace

int exit_code(int code, const RunOutcome* o) {
    if (o && o->kind == RunOutcome::Kind::halted && code != exit_code::host_error) return int(o->status & 0xFF);
    switch (code) {
        case exit_code::killed: return 128 + 31;  // SIGSYS, as a shell reports a process the filter killed
        case exit_code::crash: return 255;
        case exit_code::timeout: return exit_code::timeout;
        case exit_code::usage:
        case exit_code::host_error: return 1;
        default: return code;  // a status already the guest's
    }
}

std::unique_ptr<Personality> recognise(const GuestImage& img) {
    auto m = read_manifest(img);
    if (!m) return nullptr;
    return std::make_unique<Solo5Personality>(img, std::move(*m));
}

}  // namespace ukmon::abi_solo5
