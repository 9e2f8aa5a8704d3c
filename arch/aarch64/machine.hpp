// What identifies aarch64 to the loader and the filter: the guest ELF's machine and the
// audit architecture of the system calls the seccomp filter sees.
#pragma once
#include <elf.h>
#include <linux/audit.h>

#include <cstdint>

namespace ukmon::a64 {

inline constexpr uint16_t elf_machine = EM_AARCH64;
inline constexpr const char* name = "aarch64";
inline constexpr uint32_t audit_arch = AUDIT_ARCH_AARCH64;
// The spin-wait hint (a polling I/O thread).
inline void cpu_relax() { asm volatile("yield"); }
inline constexpr const char* ip_name = "pc";  // the instruction pointer, as diagnoses name it
// A 64-bit process has no 32-bit (AArch32) system call entry; the filter refuses any call
// whose audit arch is not ours all the same (AUDIT_ARCH_ARM included).
inline constexpr const char* foreign_abi_call = "non-aarch64 ABI call";

}  // namespace ukmon::a64
