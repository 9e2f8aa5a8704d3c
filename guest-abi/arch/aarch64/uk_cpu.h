/* The guest runtime's aarch64 instructions: the generic timer's virtual count (CNTVCT_EL0,
 * readable at EL0 under Linux and under ukmon's kvm set-up), which the boot info's tsc_hz
 * counts, and the spin-wait hint. */
#ifndef UK_CPU_H
#define UK_CPU_H
#include <stdint.h>

static inline uint64_t uk_cpu_counter(void)
{
    uint64_t v;
    __asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v) : : "memory");
    return v;
}
static inline void uk_cpu_relax(void) { __asm__ volatile("yield"); }
/* Wakes the monitor's I/O thread (kvm): a 32-bit store to the doorbell's guest address, an
 * MMIO exit the monitor binds to an eventfd (no port I/O on Arm). Under seccomp the ring has
 * no doorbell: the monitor serves it at the gate. */
static inline void uk_cpu_doorbell(uint64_t addr)
{
    __asm__ volatile("str wzr, [%0]" : : "r"(addr) : "memory");
}

#endif
