// What the monitor's diagnoses say on the architecture the tests run on: the CPU's names for
// a fault, and the system-call numbers of the hostile guests' raw calls. The one place the
// integration tests differ between x86_64 and aarch64 (docs/architecture.md, section 3c).
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace ukmon_test::expect {

#if defined(__aarch64__)
// ESR classes: data abort (0x24) and instruction abort (0x20) from EL0; the fault status
// names the kind: a translation fault (not mapped, at some table level), a permission fault.
inline const std::string data_fault = "data abort (EC 0x24)";
inline const std::string write_fault = "data abort (EC 0x24): write of address 0x";
inline const std::string fetch_fault = "instruction abort (EC 0x20): instruction fetch of address 0x";
inline const std::string not_mapped = "(translation fault, level ";
inline const std::string protection = "(permission fault, level ";
// open is openat on aarch64 (and its name still says "open").
inline const std::vector<std::pair<std::string, int>> forbidden_calls{{"open", 56}, {"mmap", 222}, {"socket", 198}, {"execve", 221}};
inline const std::string clock_gettime_call = "clock_gettime (113)";
inline const std::string clock_nanosleep_call = "clock_nanosleep (115)";
inline const std::string write_call = "write (64)";
inline constexpr int write_nr = 64;
inline const std::string mmap_call = "mmap (222)";
// The kvm gate's store carries all 64 bits of the argument address: the monitor's access
// check names an address above 4 GiB like any other outside guest memory.
inline constexpr bool kvm_gate_refuses_above_4g = false;
// The timer call kvm's filter adds for --timeout (the exit path cancels the alarm), and how
// its rule reads in --print-filter.
inline const std::string timer_call = "setitimer";
inline const std::string timer_cancel_args = "arg2 == NULL";
// --print-filter's lines for those: the timer's, and the kvm lock-down's own (its register
// reads are KVM_GET_ONE_REG there), as filter_test collapses them.
inline const std::string timer_rule =
    "setitimer arg0 == ITIMER_REAL && arg2 == NULL core --timeout: the exit path cancels the timer (setitimer to 0) first";
inline const std::vector<std::string> kvm_rules{
    "ioctl arg0 == vcpu fd && arg1 == KVM_RUN kvm run the guest",
    "ioctl arg0 == vcpu fd && arg1 == KVM_GET_ONE_REG kvm ESR/FAR/ELR and registers for a crash diagnosis",
};
// The blk ring needs a doorbell (KVM_IOEVENTFD); the aarch64 kvm backend binds none yet, so
// a blk guest there makes blkread/blkwrite hypercalls as under seccomp.
inline constexpr bool kvm_blk_ring = false;
#else
inline const std::string data_fault = "page fault (#PF)";
inline const std::string write_fault = "page fault (#PF): write of address 0x";
inline const std::string fetch_fault = "page fault (#PF): instruction fetch of address 0x";
inline const std::string not_mapped = "(not mapped)";
inline const std::string protection = "(protection)";
inline const std::vector<std::pair<std::string, int>> forbidden_calls{{"open", 2}, {"mmap", 9}, {"socket", 41}, {"execve", 59}};
inline const std::string clock_gettime_call = "clock_gettime (228)";
inline const std::string clock_nanosleep_call = "clock_nanosleep (230)";
inline const std::string write_call = "write (1)";
inline constexpr int write_nr = 1;
inline const std::string mmap_call = "mmap (9)";
// The gate's `out` carries a 32-bit address: the gate itself refuses one above 4 GiB.
inline constexpr bool kvm_gate_refuses_above_4g = true;
inline const std::string timer_call = "alarm";
inline const std::string timer_cancel_args = "arg0 == 0";
inline const std::string timer_rule = "alarm arg0 == 0 core --timeout: the exit path cancels the timer (alarm(0)) first";
inline const std::vector<std::string> kvm_rules{
    "ioctl arg0 == vcpu fd && arg1 == KVM_RUN kvm run the guest",
    "ioctl arg0 == vcpu fd && arg1 == KVM_GET_REGS kvm registers for a crash diagnosis",
    "ioctl arg0 == vcpu fd && arg1 == KVM_GET_SREGS kvm CR2 for a page-fault diagnosis",
};
inline constexpr bool kvm_blk_ring = true;
#endif

// The fault line's kind, wherever it stands after the address.
inline bool says(const std::string& line, const std::string& kind) { return line.find(kind) != std::string::npos; }

}  // namespace ukmon_test::expect
