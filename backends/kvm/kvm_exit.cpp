// The KVM exit-reason string table.
#include "backends/kvm/kvm_exit.hpp"

#include <linux/kvm.h>

namespace ukmon::kvm {

const char* exit_reason_name(uint32_t reason) {
    switch (reason) {
#define NAME(r) case r: return #r;
        NAME(KVM_EXIT_UNKNOWN) NAME(KVM_EXIT_EXCEPTION) NAME(KVM_EXIT_IO) NAME(KVM_EXIT_HYPERCALL)
        NAME(KVM_EXIT_DEBUG) NAME(KVM_EXIT_HLT) NAME(KVM_EXIT_MMIO) NAME(KVM_EXIT_IRQ_WINDOW_OPEN)
        NAME(KVM_EXIT_SHUTDOWN) NAME(KVM_EXIT_FAIL_ENTRY) NAME(KVM_EXIT_INTR) NAME(KVM_EXIT_SET_TPR)
        NAME(KVM_EXIT_TPR_ACCESS) NAME(KVM_EXIT_NMI) NAME(KVM_EXIT_INTERNAL_ERROR)
        NAME(KVM_EXIT_SYSTEM_EVENT) NAME(KVM_EXIT_X86_RDMSR) NAME(KVM_EXIT_X86_WRMSR)
        NAME(KVM_EXIT_ARM_NISV)
#undef NAME
        default: return "unknown KVM exit";
    }
}

}  // namespace ukmon::kvm
