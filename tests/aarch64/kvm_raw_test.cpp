// The aarch64 kvm pieces on a real /dev/kvm (the emulated arm64 machine's): the monitor's
// stage-1 tables, gate and EL1 vectors (arch/aarch64/) with hand-written EL0 guests
// (kvm_raw_guests.S), without the rest of the monitor. Each scenario checks the exit and the
// syndrome the vectors leave; a hang is a failure (SIGALRM). Prints PASS/FAIL lines, or one
// SKIP line (exit 77) without /dev/kvm; exit status 1 if any failed. As /init it mounts /dev first.
#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

#include <ukmon/abi.h>

#include "arch/aarch64/el0_layout.hpp"
#include "arch/aarch64/kvm_exit.hpp"
#include "arch/aarch64/kvm_regs.hpp"
#include "backends/kvm/kvm_vm.hpp"

extern "C" const unsigned char guest_code[], guest_code_end[];

using namespace ukmon;
using K = a64::ExitEvent::Kind;

namespace {

constexpr uint64_t mem_size = 2 << 20, text = 0x100000, data = 0x101000;

struct Vcpu {
    kvm::Vm vm;
    int fd = -1;
};

Vcpu boot(unsigned scenario) {
    Vcpu v{kvm::open_vm(mem_size)};
    v.fd = v.vm.vcpu.get();
    kvm_vcpu_init init{};
    kvm::xioctl(v.vm.vm.get(), KVM_ARM_PREFERRED_TARGET, "KVM_ARM_PREFERRED_TARGET", &init);
    kvm::xioctl(v.fd, KVM_ARM_VCPU_INIT, "KVM_ARM_VCPU_INIT", &init);
    kvm_enable_cap cap{};
    cap.cap = KVM_CAP_ARM_NISV_TO_USER;
    (void)::ioctl(v.vm.vm.get(), KVM_ENABLE_CAP, &cap);
    GuestMemory mem(v.vm.mem.data(), 0, mem_size);
    GuestRights r;
    r.add({0xFF000, text, true, false, true, GuestRegion::Kind::gate});
    r.add({text, data, true, false, true, GuestRegion::Kind::image});
    r.add({data, data + 0x1000, true, true, false, GuestRegion::Kind::image});
    r.add({mem_size - 0x10000, mem_size, true, true, false, GuestRegion::Kind::stack});
    std::memcpy(v.vm.mem.data() + text, guest_code, size_t(guest_code_end - guest_code));
    a64::El1Setup s = a64::build_el0_setup(mem, r, mem_size);
    const std::pair<uint64_t, uint64_t> regs[] = {
        {a64::reg_sctlr_el1, s.sctlr}, {a64::reg_tcr_el1, s.tcr},     {a64::reg_mair_el1, s.mair},
        {a64::reg_ttbr0_el1, s.ttbr0}, {a64::reg_vbar_el1, s.vbar},   {a64::reg_cntkctl_el1, s.cntkctl},
        {a64::reg_cpacr_el1, s.cpacr}, {a64::reg_pstate, s.pstate},   {a64::reg_pc, text + 128 * scenario},
        {a64::reg_sp_el0, mem_size},   {a64::reg_x(0), 0xF0000}};
    for (auto [id, value] : regs)
        if (!a64::set_reg(v.fd, id, value)) throw std::runtime_error("KVM_SET_ONE_REG failed");
    return v;
}

// One KVM_RUN, bounded by an alarm: a guest that never exits is a failure, not a hang.
a64::ExitEvent step(Vcpu& v) {
    alarm(30);
    int r = ::ioctl(v.fd, KVM_RUN, 0);
    alarm(0);
    if (r < 0) throw std::runtime_error(std::string("KVM_RUN: ") + std::strerror(errno));
    return a64::decode_exit(*v.vm.run);
}

int failures = 0;
void check(bool ok, const char* name, const std::string& detail) {
    std::printf("%s: kvm_raw %s%s%s\n", ok ? "PASS" : "FAIL", name, ok ? "" : ": ", ok ? "" : detail.c_str());
    failures += !ok;
}

std::string hex(uint64_t v) {
    char b[32];
    std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    return b;
}

// A fault the vectors reported: vector 8 (synchronous from EL0), reported from EL1h inside
// the vector page with the guest's x0 in TPIDR_EL1; returns ESR and FAR.
bool vector_report(Vcpu& v, const a64::ExitEvent& e, uint64_t& esr, uint64_t& far, std::string& why) {
    if (e.kind != K::fault || e.nr != 8) { why = "no fault report from vector 8 (kind " + std::to_string(int(e.kind)) + ", nr " + std::to_string(e.nr) + ")"; return false; }
    uint64_t pstate = a64::get_reg_or_zero(v.fd, a64::reg_pstate), pc = a64::get_reg_or_zero(v.fd, a64::reg_pc);
    if ((pstate & 0xF) != a64::pstate_el1h || pc < a64::vectors_gpa || pc >= a64::vectors_gpa + 4096) { why = "report not from the vectors: pc " + hex(pc); return false; }
    if (a64::get_reg_or_zero(v.fd, a64::reg_tpidr_el1) != 0xF0000) { why = "x0 not saved in TPIDR_EL1"; return false; }
    esr = a64::get_reg_or_zero(v.fd, a64::reg_esr_el1);
    far = a64::get_reg_or_zero(v.fd, a64::reg_far_el1);
    return true;
}

void expect_fault(unsigned scenario, const char* name, uint32_t ec, int dfsc_kind, int wnr, uint64_t far_expected) {
    Vcpu v = boot(scenario);
    a64::ExitEvent e = step(v);
    uint64_t esr = 0, far = 0;
    std::string why;
    bool ok = vector_report(v, e, esr, far, why);
    if (ok && (esr >> 26) != ec) { ok = false; why = "ESR " + hex(esr) + ", class " + hex(ec) + " expected"; }
    if (ok && dfsc_kind >= 0 && int(esr & 0x3C) != dfsc_kind) { ok = false; why = "fault status of ESR " + hex(esr); }
    if (ok && wnr >= 0 && int((esr >> 6) & 1) != wnr) { ok = false; why = "WnR of ESR " + hex(esr); }
    if (ok && dfsc_kind >= 0 && far != far_expected) { ok = false; why = "FAR " + hex(far) + ", " + hex(far_expected) + " expected"; }
    check(ok, name, why);
}

void scenarios() {
    {   // hypercalls, and EL0 may use FP/SIMD, the virtual counter and DC ZVA in between
        Vcpu v = boot(0);
        a64::ExitEvent a = step(v);
        a64::ExitEvent b = step(v);
        check(a.kind == K::hypercall && a.nr == UK_HC_PUTS && a.arg == data && b.kind == K::hypercall &&
                  b.nr == UK_HC_HALT && b.arg == data + 0x40,
              "the gate's stores are hypercalls with number and argument; FP, CNTVCT_EL0, DC ZVA do not trap",
              "kinds " + std::to_string(int(a.kind)) + "/" + std::to_string(int(b.kind)) + " nr " + std::to_string(a.nr) + "/" + std::to_string(b.nr));
    }
    expect_fault(1, "null dereference: data abort, translation fault, read of 0", 0x24, 0x04, 0, 0);
    expect_fault(2, "write to text: data abort, permission fault, write", 0x24, 0x0C, 1, text + 2 * 128);
    expect_fault(3, "undefined instruction reported", 0x00, -1, -1, 0);
    {
        Vcpu v = boot(4);
        a64::ExitEvent e = step(v);
        uint64_t esr = 0, far = 0;
        std::string why;
        bool ok = vector_report(v, e, esr, far, why) && (esr >> 26) == 0x15 && a64::get_reg_or_zero(v.fd, a64::reg_x(8)) == 64;
        check(ok, "SVC at EL0 reported with its number in x8", why.empty() ? "ESR " + hex(esr) : why);
    }
    {
        Vcpu v = boot(5);
        a64::ExitEvent e = step(v);
        check(e.kind == K::bad_gate_call && e.nr == 99, "the gate refuses hypercall number 99", "kind " + std::to_string(int(e.kind)));
    }
    {
        Vcpu v = boot(6);
        a64::ExitEvent e = step(v);
        check(e.kind == K::window_misuse && e.len == 4, "a 4-byte store to the hypercall window is not a hypercall", "kind " + std::to_string(int(e.kind)));
    }
    {
        Vcpu v = boot(7);
        bool ok = false;
        std::string why;
        try {
            ok = step(v).kind == K::undecodable;
            why = "not KVM_EXIT_ARM_NISV";
        } catch (const std::exception& ex) {
            why = ex.what();  // a host without KVM_CAP_ARM_NISV_TO_USER: KVM_RUN fails (ENOSYS)
        }
        check(ok, "a store pair to the window ends as KVM_EXIT_ARM_NISV", why);
    }
    expect_fault(8, "EL0 cannot forge a fault report: permission fault on the fault window", 0x24, 0x0C, 1, a64::fault_window + 0x40);
    expect_fault(9, "WFI at EL0 traps and is reported", 0x01, -1, -1, 0);
    expect_fault(10, "an access beyond guest memory: translation fault", 0x24, 0x04, 0, 0x40'0000'0000);
}

}  // namespace

int main() {
    if (getpid() == 1) {
        ::mkdir("/dev", 0755);
        ::mount("devtmpfs", "/dev", "devtmpfs", 0, nullptr);
    }
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    struct sigaction sa {};
    sa.sa_handler = [](int) {};  // no SA_RESTART: KVM_RUN returns EINTR
    ::sigaction(SIGALRM, &sa, nullptr);
    int probe = ::open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (probe < 0) {
        std::printf("SKIP: kvm_raw: /dev/kvm: %s\n", std::strerror(errno));
        return 77;  // the VM test list's "skipped"
    }
    ::close(probe);
    try {
        scenarios();
    } catch (const std::exception& ex) {
        check(false, "set-up", ex.what());
    }
    std::printf("kvm_raw: %d failed\n", failures);
    if (getpid() == 1) { ::sync(); }
    return failures ? 1 : 0;
}
