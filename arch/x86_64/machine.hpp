// What identifies x86_64 to the loader and the filter: the guest ELF's machine and the
// audit architecture of the system calls the seccomp filter sees.
#pragma once
#include <elf.h>
#include <linux/audit.h>

#include <cstdint>

namespace ukmon::x86 {

inline constexpr uint16_t elf_machine = EM_X86_64;
inline constexpr const char* name = "x86_64";
inline constexpr uint32_t audit_arch = AUDIT_ARCH_X86_64;
// The spin-wait hint (a polling I/O thread).
inline void cpu_relax() { __builtin_ia32_pause(); }
inline constexpr const char* ip_name = "rip";  // the instruction pointer, as diagnoses name it
inline constexpr const char* foreign_abi_call = "non-x86_64 ABI call";  // a refused call through int 0x80 or x32

}  // namespace ukmon::x86
