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
inline constexpr const char* ip_name = "rip";  // the instruction pointer, as diagnoses name it

}  // namespace ukmon::x86
