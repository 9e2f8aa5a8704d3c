// See thread_pointer.hpp.
#include "arch/aarch64/thread_pointer.hpp"

extern "C" {
uint64_t ukmon_monitor_tpidr = 0;
}

namespace ukmon::a64 {

void record_thread_pointer() { asm volatile("mrs %0, tpidr_el0" : "=r"(ukmon_monitor_tpidr)); }

void arm_thread_pointer_restore() {}

void restore_thread_pointer() {
    if (ukmon_monitor_tpidr != 0) asm volatile("msr tpidr_el0, %0" : : "r"(ukmon_monitor_tpidr) : "memory");
}

}  // namespace ukmon::a64
