// The vCPU state that follows from a CpuSetup: CPUID without nested virtualization, special
// registers, SYSCALL MSRs. Shared by the kvm backend and the bench baseline that must set up
// a VM exactly the same way.
#pragma once
#include <linux/kvm.h>

#include "arch/x86_64/kvm_uapi.hpp"
#include "arch/x86_64/long_mode.hpp"

namespace ukmon::kvm {

// The host's CPUID minus what a guest may not use.
inline void hide_nested_virtualization(CpuidBuffer& cpuid) {
    for (unsigned i = 0; i < cpuid.nent && i < max_cpuid_entries; ++i) {
        auto& e = cpuid.entries[i];
        if (e.function == 1) e.ecx &= ~(1u << 5);           // VMX
        if (e.function == 0x80000001) e.ecx &= ~(1u << 2);  // SVM
    }
}

// Control registers, descriptor tables, segments and the TSS of `c`, over what
// KVM_GET_SREGS returned (which keeps the fields we do not set).
inline void apply_cpu_setup(kvm_sregs& s, const x86::CpuSetup& c) {
    s.cr0 = c.cr0;
    s.cr3 = c.cr3;
    s.cr4 = c.cr4;
    s.efer = c.efer;
    s.gdt.base = c.gdt_base;
    s.gdt.limit = c.gdt_limit;
    s.idt.base = c.idt_base;
    s.idt.limit = c.idt_limit;
    s.cs = long_mode_segment(c.cs, true, c.cpl);
    s.ss = s.ds = s.es = s.fs = s.gs = long_mode_segment(c.ss, false, c.cpl);
    s.tr = kvm_segment{};
    s.tr.selector = x86::tss_sel;
    s.tr.base = x86::tss_gpa;
    s.tr.limit = c.tss_limit;
    s.tr.type = 11;  // busy 64-bit TSS
    s.tr.present = 1;
    s.ldt = kvm_segment{};
    s.ldt.unusable = 1;
}

// STAR/LSTAR/SFMASK: where SYSCALL goes (the stub that reports it).
inline MsrBuffer syscall_msrs(const x86::CpuSetup& c) {
    return MsrBuffer{3, 0, {{msr_star, 0, c.star}, {msr_lstar, 0, c.lstar}, {msr_sfmask, 0, c.sfmask}}};
}

}  // namespace ukmon::kvm
