// Where the guest stopped under kvm on aarch64, for the timeout line and core files: the
// vCPU's registers (KVM_GET_ONE_REG, allowed after lockdown), corrected for where the guest
// really was at the last exit: a fault report (the vCPU is in the EL1 vectors: pc = ELR_EL1,
// pstate = SPSR_EL1, x0 from TPIDR_EL1) or the gate (as if the call had returned: pc = x30).
// Allocation-free.
#pragma once
#include <linux/kvm.h>

#include <cstdint>

#include "monitor/run_outcome.hpp"

namespace ukmon::a64 {

// `halted`: the run ended by the halt hypercall; `signal`: for a stop the last exit does not
// explain by itself (a fault and a refused hypercall set their own); `gate`: the gate page.
// False if the registers cannot be read.
bool read_guest_stop(int vcpu_fd, const kvm_run& run, uint64_t gate, bool halted, int signal, GuestStop& stop);

}  // namespace ukmon::a64
