// The x86_64 register file in the order and sizes gdb expects for i386:x86-64 without a
// target description: 16 GPRs, rip, eflags, 6 segment selectors, x87 (st0-7 and 8 control
// registers), xmm0-15 and mxcsr — gdb register numbers 0..56, 536 bytes, little-endian.
// Pure conversions to and from KVM's structures, unit-tested.
#pragma once
#include <linux/kvm.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace ukmon::gdb {

inline constexpr unsigned register_count = 57;
inline constexpr size_t register_file_size = 536;
inline constexpr unsigned reg_rsp = 7, reg_rip = 16, reg_eflags = 17;

// Where register `n` lives in the file and how wide it is; nullopt past the last register.
struct RegisterSlot {
    size_t offset, size;
};
std::optional<RegisterSlot> register_slot(unsigned n);

// The size of KVM_GET_XSAVE's buffer. It starts with the FXSAVE layout (x87, MXCSR, XMM),
// then the XSAVE header (XSTATE_BV at 512). KVM_GET_FPU is not used: on PVM hosts it reads
// MXCSR as 0 while the guest has 0x1F80.
inline constexpr size_t xsave_size = 4096;

// What the vCPU holds; `sregs` only for the segment selectors.
struct CpuState {
    kvm_regs regs{};
    kvm_sregs sregs{};
    alignas(64) std::byte xsave[xsave_size]{};
};

// CpuState -> the 536-byte file.
void to_register_file(const CpuState& cpu, std::span<std::byte, register_file_size> out);
// The file -> CpuState; returns whether the x87/SSE state changed (then XSTATE_BV marks x87
// and SSE in use, so KVM_SET_XSAVE loads them rather than their initial state). Selectors
// are not written back (the monitor owns the segments), and of the x87 tag word only
// empty vs. in use is kept, as FXSAVE does.
bool from_register_file(std::span<const std::byte, register_file_size> in, CpuState& cpu);

// x87 tag word conversions. The full tag word has 2 bits per physical register (0 valid,
// 1 zero, 2 special, 3 empty); FXSAVE keeps one bit per register (1 = in use). `st` are the
// ST(i) registers as FXSAVE stores them (16 bytes apart, 10 significant).
uint16_t full_tag_word(uint8_t abridged, uint16_t fsw, std::span<const std::byte, 128> st);
uint8_t abridged_tag_word(uint16_t full);

}  // namespace ukmon::gdb
