// KVM_GET_ONE_REG / KVM_SET_ONE_REG on an aarch64 vCPU: the register ids the backend uses
// (core registers by their offset in struct kvm_regs, EL1 system registers by encoding).
// Only an aarch64 build includes it (<asm/kvm.h> of arm64).
#pragma once
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <cstddef>
#include <cstdint>

namespace ukmon::a64 {

constexpr uint64_t core_reg(size_t offset_in_kvm_regs) {
    return KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offset_in_kvm_regs / sizeof(uint32_t));
}
constexpr uint64_t reg_x(unsigned n) { return core_reg(offsetof(kvm_regs, regs.regs) + 8 * n); }
inline constexpr uint64_t reg_sp_el0 = core_reg(offsetof(kvm_regs, regs.sp));
inline constexpr uint64_t reg_pc = core_reg(offsetof(kvm_regs, regs.pc));
inline constexpr uint64_t reg_pstate = core_reg(offsetof(kvm_regs, regs.pstate));
inline constexpr uint64_t reg_elr_el1 = core_reg(offsetof(kvm_regs, elr_el1));

// ARM64_SYS_REG(op0, op1, CRn, CRm, op2)
inline constexpr uint64_t reg_sctlr_el1 = ARM64_SYS_REG(3, 0, 1, 0, 0);
inline constexpr uint64_t reg_cpacr_el1 = ARM64_SYS_REG(3, 0, 1, 0, 2);
inline constexpr uint64_t reg_ttbr0_el1 = ARM64_SYS_REG(3, 0, 2, 0, 0);
inline constexpr uint64_t reg_tcr_el1 = ARM64_SYS_REG(3, 0, 2, 0, 2);
inline constexpr uint64_t reg_esr_el1 = ARM64_SYS_REG(3, 0, 5, 2, 0);
inline constexpr uint64_t reg_far_el1 = ARM64_SYS_REG(3, 0, 6, 0, 0);
inline constexpr uint64_t reg_mair_el1 = ARM64_SYS_REG(3, 0, 10, 2, 0);
inline constexpr uint64_t reg_vbar_el1 = ARM64_SYS_REG(3, 0, 12, 0, 0);
inline constexpr uint64_t reg_tpidr_el1 = ARM64_SYS_REG(3, 0, 13, 0, 4);
inline constexpr uint64_t reg_cntkctl_el1 = ARM64_SYS_REG(3, 0, 14, 1, 0);

inline constexpr uint64_t pstate_mode_mask = 0xF, pstate_el1h = 0x5;

// One register; false if KVM refused (no throw: used in diagnoses after lockdown).
inline bool get_reg(int vcpu_fd, uint64_t id, uint64_t& value) {
    kvm_one_reg r{id, reinterpret_cast<uint64_t>(&value)};
    return ::ioctl(vcpu_fd, KVM_GET_ONE_REG, &r) == 0;
}
inline uint64_t get_reg_or_zero(int vcpu_fd, uint64_t id) {
    uint64_t v = 0;
    return get_reg(vcpu_fd, id, v) ? v : 0;
}
inline bool set_reg(int vcpu_fd, uint64_t id, uint64_t value) {
    kvm_one_reg r{id, reinterpret_cast<uint64_t>(&value)};
    return ::ioctl(vcpu_fd, KVM_SET_ONE_REG, &r) == 0;
}

}  // namespace ukmon::a64
