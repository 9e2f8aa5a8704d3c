// The A64 instructions the monitor writes into guest memory: the gate (EL0 code in the gate
// page) and the EL1 exception vectors. Kept as instruction words rather than an assembler
// file so that any host builds them and the unit tests check them (encodings verified with
// aarch64-linux-gnu-objdump; the comments are its disassembly).
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace ukmon::a64 {

// void gate(uint64_t nr /* x0 */, uint64_t arg /* x1 */): a valid nr stores arg to
// hypercall_window + 8*nr, any other stores nr to hypercall_window + bad_call_offset.
// Uses x9 and the flags (caller-saved under AAPCS64) and returns x9 zero: the window's
// address is not left in the guest's registers.
std::span<const uint32_t> gate_code();

// One vector entry (0x80 bytes apart): saves x0 in TPIDR_EL1 and stores zero to
// fault_window + 8*index; never returns (the monitor ends the run).
std::span<const uint32_t> vector_entry(unsigned index, uint32_t (&out)[5]);

inline constexpr uint64_t vector_stride = 0x80;

}  // namespace ukmon::a64
