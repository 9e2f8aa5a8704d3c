/* The guest runtime's x86_64 instructions: the cycle counter the boot info's tsc_hz counts
 * (rdtsc) and the spin-wait hint. Each architecture's folder has this header. */
#ifndef UK_CPU_H
#define UK_CPU_H
#include <stdint.h>

static inline uint64_t uk_cpu_counter(void) { return __builtin_ia32_rdtsc(); }
static inline void uk_cpu_relax(void) { __builtin_ia32_pause(); }
/* Wakes the monitor's I/O thread (kvm): a 1-byte outb to the doorbell port. */
static inline void uk_cpu_doorbell(uint64_t port)
{
    __asm__ volatile("outb %b0, %w1" : : "a"(0), "Nd"((uint16_t)port));
}

#endif
