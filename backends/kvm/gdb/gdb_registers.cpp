// gdb's amd64 register file <-> KVM's kvm_regs/kvm_sregs/kvm_fpu (see gdb_registers.hpp).
#include "backends/kvm/gdb/gdb_registers.hpp"

#include <cstring>

namespace ukmon::gdb {
namespace {

// Offsets of the groups in the file.
constexpr size_t gpr_end = 16 * 8;                 // rax..r15
constexpr size_t rip_at = gpr_end;                 // 8
constexpr size_t eflags_at = rip_at + 8;           // 4
constexpr size_t segs_at = eflags_at + 4;          // cs ss ds es fs gs, 4 each
constexpr size_t st_at = segs_at + 6 * 4;          // st0..st7, 10 each
constexpr size_t fctl_at = st_at + 8 * 10;         // fctrl fstat ftag fiseg fioff foseg fooff fop
constexpr size_t xmm_at = fctl_at + 8 * 4;         // xmm0..15, 16 each
constexpr size_t mxcsr_at = xmm_at + 16 * 16;      // 4
static_assert(mxcsr_at + 4 == register_file_size);

// gdb's GPR order is not KVM's struct order.
__u64 kvm_regs::* const gpr[16] = {
    &kvm_regs::rax, &kvm_regs::rbx, &kvm_regs::rcx, &kvm_regs::rdx, &kvm_regs::rsi, &kvm_regs::rdi,
    &kvm_regs::rbp, &kvm_regs::rsp, &kvm_regs::r8,  &kvm_regs::r9,  &kvm_regs::r10, &kvm_regs::r11,
    &kvm_regs::r12, &kvm_regs::r13, &kvm_regs::r14, &kvm_regs::r15};

void put(std::span<std::byte, register_file_size> out, size_t at, uint64_t v, size_t size) {
    std::memcpy(out.data() + at, &v, size);  // little-endian host
}
uint64_t get(std::span<const std::byte, register_file_size> in, size_t at, size_t size) {
    uint64_t v = 0;
    std::memcpy(&v, in.data() + at, size);
    return v;
}

// The FXSAVE area at the start of the XSAVE buffer (Intel SDM vol. 1, 10.5.1).
constexpr size_t fx_fcw = 0, fx_fsw = 2, fx_ftw = 4, fx_fop = 6, fx_fip = 8, fx_fdp = 16, fx_mxcsr = 24,
                 fx_st = 32, fx_xmm = 160, xstate_bv = 512;
constexpr uint64_t xfeature_x87_sse = 3;

uint64_t load(const std::byte* area, size_t at, size_t size) {
    uint64_t v = 0;
    std::memcpy(&v, area + at, size);
    return v;
}
void store(std::byte* area, size_t at, uint64_t v, size_t size) { std::memcpy(area + at, &v, size); }

// The tag of one x87 register value (80-bit extended precision).
unsigned classify(const std::byte* v) {
    uint16_t exp;
    uint64_t mant;
    std::memcpy(&mant, v, 8);
    std::memcpy(&exp, v + 8, 2);
    exp &= 0x7FFF;
    if (exp == 0x7FFF) return 2;                // infinity, NaN
    if (exp == 0) return mant == 0 ? 1 : 2;     // zero; denormal
    return (mant >> 63) ? 0 : 2;                // normal; unnormal
}

}  // namespace

std::optional<RegisterSlot> register_slot(unsigned n) {
    if (n < 16) return RegisterSlot{n * 8, 8};
    if (n == 16) return RegisterSlot{rip_at, 8};
    if (n == 17) return RegisterSlot{eflags_at, 4};
    if (n < 24) return RegisterSlot{segs_at + (n - 18) * 4, 4};
    if (n < 32) return RegisterSlot{st_at + (n - 24) * 10, 10};
    if (n < 40) return RegisterSlot{fctl_at + (n - 32) * 4, 4};
    if (n < 56) return RegisterSlot{xmm_at + (n - 40) * 16, 16};
    if (n == 56) return RegisterSlot{mxcsr_at, 4};
    return std::nullopt;
}

uint16_t full_tag_word(uint8_t abridged, uint16_t fsw, std::span<const std::byte, 128> st) {
    unsigned top = (fsw >> 11) & 7;
    uint16_t tags = 0;
    for (unsigned phys = 0; phys < 8; ++phys) {
        unsigned tag = 3;
        if (abridged & (1u << phys)) tag = classify(st.data() + 16 * ((phys - top) & 7));  // ST(i) is phys top+i
        tags = uint16_t(tags | tag << (2 * phys));
    }
    return tags;
}

uint8_t abridged_tag_word(uint16_t full) {
    uint8_t out = 0;
    for (unsigned phys = 0; phys < 8; ++phys)
        if (((full >> (2 * phys)) & 3) != 3) out = uint8_t(out | 1u << phys);
    return out;
}

void to_register_file(const CpuState& cpu, std::span<std::byte, register_file_size> out) {
    std::memset(out.data(), 0, out.size());
    for (unsigned i = 0; i < 16; ++i) put(out, i * 8, cpu.regs.*gpr[i], 8);
    put(out, rip_at, cpu.regs.rip, 8);
    put(out, eflags_at, cpu.regs.rflags, 4);
    const kvm_segment* segs[6] = {&cpu.sregs.cs, &cpu.sregs.ss, &cpu.sregs.ds,
                                  &cpu.sregs.es, &cpu.sregs.fs, &cpu.sregs.gs};
    for (unsigned i = 0; i < 6; ++i) put(out, segs_at + i * 4, segs[i]->selector, 4);
    const std::byte* fx = cpu.xsave;
    for (unsigned i = 0; i < 8; ++i) std::memcpy(out.data() + st_at + i * 10, fx + fx_st + 16 * i, 10);
    uint64_t fip = load(fx, fx_fip, 8), fdp = load(fx, fx_fdp, 8);
    uint16_t fsw = uint16_t(load(fx, fx_fsw, 2));
    uint64_t ctl[8] = {load(fx, fx_fcw, 2), fsw,
                       full_tag_word(uint8_t(load(fx, fx_ftw, 1)), fsw, std::span<const std::byte, 128>(fx + fx_st, 128)),
                       (fip >> 32) & 0xFFFF, fip & 0xFFFFFFFF, (fdp >> 32) & 0xFFFF, fdp & 0xFFFFFFFF,
                       load(fx, fx_fop, 2) & 0x7FF};
    for (unsigned i = 0; i < 8; ++i) put(out, fctl_at + i * 4, ctl[i], 4);
    std::memcpy(out.data() + xmm_at, fx + fx_xmm, 16 * 16);
    put(out, mxcsr_at, load(fx, fx_mxcsr, 4), 4);
}

bool from_register_file(std::span<const std::byte, register_file_size> in, CpuState& cpu) {
    for (unsigned i = 0; i < 16; ++i) cpu.regs.*gpr[i] = get(in, i * 8, 8);
    cpu.regs.rip = get(in, rip_at, 8);
    cpu.regs.rflags = (cpu.regs.rflags & ~0xFFFFFFFFull) | get(in, eflags_at, 4);
    std::byte fx[fx_xmm + 16 * 16];
    std::memcpy(fx, cpu.xsave, sizeof fx);
    for (unsigned i = 0; i < 8; ++i) std::memcpy(fx + fx_st + 16 * i, in.data() + st_at + i * 10, 10);
    store(fx, fx_fcw, get(in, fctl_at + 0, 4), 2);
    store(fx, fx_fsw, get(in, fctl_at + 4, 4), 2);
    store(fx, fx_ftw, abridged_tag_word(uint16_t(get(in, fctl_at + 8, 4))), 1);
    store(fx, fx_fip, get(in, fctl_at + 12, 4) << 32 | get(in, fctl_at + 16, 4), 8);
    store(fx, fx_fdp, get(in, fctl_at + 20, 4) << 32 | get(in, fctl_at + 24, 4), 8);
    store(fx, fx_fop, get(in, fctl_at + 28, 4) & 0x7FF, 2);
    std::memcpy(fx + fx_xmm, in.data() + xmm_at, 16 * 16);
    store(fx, fx_mxcsr, get(in, mxcsr_at, 4), 4);
    if (std::memcmp(fx, cpu.xsave, sizeof fx) == 0) return false;
    std::memcpy(cpu.xsave, fx, sizeof fx);
    store(cpu.xsave, xstate_bv, load(cpu.xsave, xstate_bv, 8) | xfeature_x87_sse, 8);
    return true;
}

}  // namespace ukmon::gdb
