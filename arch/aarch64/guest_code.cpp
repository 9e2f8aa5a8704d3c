// A64 words for the gate and the EL1 vectors (see guest_code.hpp).
#include "arch/aarch64/guest_code.hpp"

#include <ukmon/abi.h>

#include "arch/aarch64/el0_layout.hpp"

namespace ukmon::a64 {
namespace {

static_assert(hypercall_window == 1ull << 32 && fault_window == hypercall_window + 0x1000,
              "the words below build the windows' addresses with movz #1, lsl #32");
static_assert(UK_HC_MAX < 4096, "cmp takes a 12-bit immediate");
static_assert(bad_call_offset % 8 == 0 && bad_call_offset / 8 < 4096, "str's scaled immediate");

constexpr uint32_t cmp_x0(uint32_t imm) { return 0xF100001Fu | (imm << 10); }
constexpr uint32_t movk_x0(uint32_t imm16) { return 0xF2800000u | (imm16 << 5); }
constexpr uint32_t str_x0_x9(uint32_t byte_offset) { return 0xF9000120u | ((byte_offset / 8) << 10); }

constexpr uint32_t gate_words[] = {
    cmp_x0(UK_HC_MAX),        // cmp  x0, #UK_HC_MAX
    0x540000C2,               // b.hs +0x18 (the refusal below)
    0xD2C00029,               // mov  x9, #0x100000000      (hypercall_window)
    0x8B000D29,               // add  x9, x9, x0, lsl #3
    0xF9000121,               // str  x1, [x9]              -> KVM_EXIT_MMIO: hypercall nr, arg
    0xD2800009,               // mov  x9, #0                (no monitor address left behind)
    0xD65F03C0,               // ret
    0xD2C00029,               // mov  x9, #0x100000000
    str_x0_x9(bad_call_offset),  // str x0, [x9, #0xF00]     -> KVM_EXIT_MMIO: refused nr
    0xD65F03C0,               // ret (never reached: the monitor ends the run)
};

}  // namespace

std::span<const uint32_t> gate_code() { return gate_words; }

std::span<const uint32_t> vector_entry(unsigned index, uint32_t (&out)[5]) {
    out[0] = 0xD518D080;                                     // msr  tpidr_el1, x0
    out[1] = 0xD2C00020;                                     // mov  x0, #0x100000000
    out[2] = movk_x0(uint32_t(fault_window & 0xFFFF) + 8 * (index % vector_entries));  // movk x0, #0x1000+8*i
    out[3] = 0xF900001F;                                     // str  xzr, [x0]  -> KVM_EXIT_MMIO
    out[4] = 0x14000000;                                     // b    .
    return out;
}

}  // namespace ukmon::a64
