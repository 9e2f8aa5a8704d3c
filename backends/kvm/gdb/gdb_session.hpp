// --gdb=PORT for the kvm backend: a GDB remote stub on 127.0.0.1 driving the vCPU.
//
// Portable x86 only, no KVM_SET_GUEST_DEBUG (accepted by PVM hosts, but a CPL3 guest's
// int3 and TF trap still go through the guest's own IDT there): a software breakpoint is an
// int3 byte in guest memory; its #BP (vector 3) reaches the monitor's fault stub, which
// reports the frame on the exception port; the monitor then serves gdb and resumes the guest
// by doing the stub's IRET itself (registers from the frame, the guest's CS/SS back). A
// single step is RFLAGS.TF on resume: #DB (vector 1) after one instruction.
#pragma once
#include <linux/kvm.h>

#include <cstdint>
#include <memory>

#include "backends/kvm/gdb/gdb_stub.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::kvm {

class GdbSession {
public:
    // What the run loop does after the debugger has had its say.
    enum class Verdict {
        resume,   // run the vCPU again (the session has set its registers)
        end_run,  // not a debugging event, or gdb passed the fault on: diagnose as usual
        kill      // gdb killed the guest
    };

    // Listens on 127.0.0.1:port (0: any free port), says where on stderr and waits for gdb
    // to connect. Before lockdown. `full` is all of guest memory (fault frames live in the
    // monitor-private part), `visible` what gdb may read and write.
    static std::unique_ptr<GdbSession> wait_for_debugger(uint16_t port, int vcpu_fd, kvm_run* run,
                                                         const GuestMemory& full, const GuestMemory& visible);
    ~GdbSession();

    // The calls the session makes after lockdown; fds -1 for --print-filter.
    static void add_syscall_rules(SyscallPolicy& policy, int connection_fd, int vcpu_fd);
    void add_syscall_rules(SyscallPolicy& policy) const;

    bool stepping() const { return attached_ && stepping_; }

    // Break at entry: the vCPU is at the ELF entry point and has not run.
    Verdict start();
    // An exit on the exception port (eax = frame address): a breakpoint, a finished step or
    // a fault, shown to gdb. `end_run` leaves the frame for the usual diagnosis.
    Verdict on_fault(uint64_t frame_gpa);
    // After a hypercall that did not end the run, while stepping: PVM hosts lose the trap
    // of an emulated `out`, so the step ends here on every host.
    Verdict after_hypercall();
    // The run is over: tell gdb how (exit status or signal).
    void on_end(const RunOutcome& outcome);
    // How a run that gdb killed ends: exit code 255 (the guest did not finish by itself).
    static RunOutcome killed_outcome();

    GdbSession(const GdbSession&) = delete;
    GdbSession& operator=(const GdbSession&) = delete;

private:
    class Link;
    class Cpu;
    GdbSession(UniqueFd connection, int vcpu_fd, kvm_run* run, const GuestMemory& full, const GuestMemory& visible);
    Verdict serve(const gdb::StopReason& why, bool announce, bool fault);

    UniqueFd connection_;
    int vcpu_fd_;
    kvm_run* run_;
    GuestMemory full_;
    std::unique_ptr<Link> link_;
    std::unique_ptr<Cpu> cpu_;
    std::unique_ptr<gdb::Stub> stub_;
    bool attached_ = true;
    bool stepping_ = false;
    int last_signal_ = 0;
};

// gdb's signal for an x86 exception vector (#PF -> SIGSEGV, #UD -> SIGILL, ...).
int signal_for_vector(uint64_t vector);

}  // namespace ukmon::kvm
