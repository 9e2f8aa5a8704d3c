// Where the guest stopped under kvm, for core files (--dumpcore): the vCPU's registers,
// corrected for where the guest really was when the last exit happened: a fault (the stub
// runs at CPL0 on its own stack: rip, rsp, rflags, cs, ss come from the CPU's frame, rax and
// rdx from the stub's save slots), the hypercall gate (as if the call had returned: rip =
// the return address, rsp above it) or the SYSCALL stub (rip = the SYSCALL, rflags = r11).
#pragma once
#include <linux/kvm.h>

#include <cstddef>

#include "monitor/guest_memory.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::kvm {

// Fills outcome.stop from the vCPU (KVM_GET_REGS and KVM_GET_SREGS, allowed after the
// lockdown) and the last exit in `run` (`run_size` bytes mapped). `full` is all of guest
// memory. Leaves it unknown when the registers cannot be read. Allocation-free.
void read_guest_stop(int vcpu_fd, const kvm_run& run, size_t run_size, const GuestMemory& full, RunOutcome& outcome);

// The same, at any time (for exit_plan's StopReader): what read_guest_stop needs, and a
// reader over it. `signal` replaces the one the last exit implies unless that exit was a
// fault, a SYSCALL or a refused hypercall (which say more).
struct StopSource {
    int vcpu_fd;
    const kvm_run* run;
    size_t run_size;
    GuestMemory full;
};
bool read_stop_now(void* stop_source, int signal, GuestStop& out);

}  // namespace ukmon::kvm
