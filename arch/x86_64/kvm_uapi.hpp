// KVM structures and ioctl numbers that <linux/kvm.h> gets wrong in C++, and the 64-bit
// segment the guest runs in. Shared by the kvm backend and the bench baseline that must set
// up a VM the same way.
#pragma once
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstddef>
#include <cstdint>

namespace ukmon::kvm {

// The 6.1 uapi header declares kvm_cpuid2's entries with __DECLARE_FLEX_ARRAY, which in
// C++ adds an empty struct and moves them to offset 12. Use the kernel's layout: two u32 and
// the entries at offset 8, with ioctl numbers that encode that 8-byte header.
inline constexpr unsigned max_cpuid_entries = 256;
struct CpuidBuffer {
    uint32_t nent;
    uint32_t padding;
    kvm_cpuid_entry2 entries[max_cpuid_entries];
};
static_assert(offsetof(CpuidBuffer, entries) == 8);
inline constexpr unsigned long get_supported_cpuid = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x05, 8);
inline constexpr unsigned long set_cpuid2 = _IOC(_IOC_WRITE, KVMIO, 0x90, 8);

// kvm_msrs has the same flexible-array problem.
struct MsrBuffer {
    uint32_t nmsrs;
    uint32_t pad;
    kvm_msr_entry entries[3];
};
static_assert(offsetof(MsrBuffer, entries) == 8);
inline constexpr unsigned long set_msrs = _IOC(_IOC_WRITE, KVMIO, 0x89, 8);
inline constexpr unsigned long get_msrs = _IOC(_IOC_READ | _IOC_WRITE, KVMIO, 0x88, 8);
inline constexpr uint32_t msr_tsc = 0x10;
inline constexpr uint32_t msr_star = 0xC0000081, msr_lstar = 0xC0000082, msr_sfmask = 0xC0000084;

// A flat 64-bit code or data segment at privilege `dpl`, as KVM_SET_SREGS wants it.
inline kvm_segment long_mode_segment(uint16_t sel, bool code, unsigned dpl) {
    kvm_segment s{};
    s.selector = sel;
    s.limit = 0xFFFFFFFF;
    s.type = code ? 11 : 3;
    s.present = 1;
    s.dpl = uint8_t(dpl);
    s.s = 1;
    s.l = code ? 1 : 0;
    s.g = 1;
    return s;
}

}  // namespace ukmon::kvm
