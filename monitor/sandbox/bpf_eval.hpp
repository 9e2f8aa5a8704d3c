// Runs a seccomp BPF program on a made-up system call, the way the kernel would, and counts
// the instructions it took. For tests that check a policy as data (every rule allows what
// it says and nothing else, an optimisation changes no decision) and for the cost of the
// hot calls in instructions, which no noisy machine can blur.
#pragma once
#include <linux/filter.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace ukmon::sandbox {

struct FakeSyscall {
    int nr = 0;
    uint32_t arch = 0;  // AUDIT_ARCH_*
    uint64_t ip = 0;
    std::array<uint64_t, 6> args{};
};

struct BpfVerdict {
    uint32_t action = 0;  // SECCOMP_RET_* with its data
    size_t steps = 0;     // instructions executed
};

// nullopt for a program the kernel would refuse or that misbehaves: a jump or load out of
// bounds, a division by zero, running off the end, an unknown instruction.
std::optional<BpfVerdict> run_bpf(std::span<const sock_filter> program, const FakeSyscall& call);

}  // namespace ukmon::sandbox
