// A classic-BPF interpreter for seccomp programs (see bpf_eval.hpp).
#include "monitor/sandbox/bpf_eval.hpp"

#include <linux/seccomp.h>

#include <cstring>

namespace ukmon::sandbox {
namespace {

// The 32-bit word at `off` of struct seccomp_data, as the kernel lays it out.
std::optional<uint32_t> load_word(const FakeSyscall& c, uint32_t off) {
    seccomp_data d{};
    d.nr = c.nr;
    d.arch = c.arch;
    d.instruction_pointer = c.ip;
    for (size_t i = 0; i < 6; ++i) d.args[i] = c.args[i];
    if (off % 4 != 0 || off + 4 > sizeof d) return std::nullopt;
    uint32_t w;
    std::memcpy(&w, reinterpret_cast<const char*>(&d) + off, 4);
    return w;
}

}  // namespace

std::optional<BpfVerdict> run_bpf(std::span<const sock_filter> prog, const FakeSyscall& call) {
    uint32_t a = 0, x = 0;
    std::array<uint32_t, BPF_MEMWORDS> mem{};
    BpfVerdict v;
    for (size_t pc = 0; pc < prog.size(); ++pc) {
        const sock_filter& in = prog[pc];
        ++v.steps;
        uint32_t k = in.k;
        switch (BPF_CLASS(in.code)) {
            case BPF_LD:
                if (in.code == (BPF_LD | BPF_W | BPF_ABS)) {
                    auto w = load_word(call, k);
                    if (!w) return std::nullopt;
                    a = *w;
                } else if (in.code == (BPF_LD | BPF_IMM)) {
                    a = k;
                } else if (in.code == (BPF_LD | BPF_MEM)) {
                    if (k >= BPF_MEMWORDS) return std::nullopt;
                    a = mem[k];
                } else if (in.code == (BPF_LD | BPF_W | BPF_LEN)) {
                    a = sizeof(seccomp_data);
                } else {
                    return std::nullopt;
                }
                break;
            case BPF_LDX:
                if (in.code == (BPF_LDX | BPF_IMM)) x = k;
                else if (in.code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS) x = mem[k];
                else if (in.code == (BPF_LDX | BPF_W | BPF_LEN)) x = sizeof(seccomp_data);
                else return std::nullopt;
                break;
            case BPF_ST:
                if (k >= BPF_MEMWORDS) return std::nullopt;
                mem[k] = a;
                break;
            case BPF_STX:
                if (k >= BPF_MEMWORDS) return std::nullopt;
                mem[k] = x;
                break;
            case BPF_ALU: {
                uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : k;
                switch (BPF_OP(in.code)) {
                    case BPF_ADD: a += operand; break;
                    case BPF_SUB: a -= operand; break;
                    case BPF_MUL: a *= operand; break;
                    case BPF_DIV:
                        if (operand == 0) return std::nullopt;
                        a /= operand;
                        break;
                    case BPF_MOD:
                        if (operand == 0) return std::nullopt;
                        a %= operand;
                        break;
                    case BPF_AND: a &= operand; break;
                    case BPF_OR: a |= operand; break;
                    case BPF_XOR: a ^= operand; break;
                    case BPF_LSH: a = operand < 32 ? a << operand : 0; break;
                    case BPF_RSH: a = operand < 32 ? a >> operand : 0; break;
                    case BPF_NEG: a = uint32_t(-int64_t(a)); break;
                    default: return std::nullopt;
                }
                break;
            }
            case BPF_JMP: {
                size_t target;
                if (BPF_OP(in.code) == BPF_JA) {
                    target = pc + 1 + k;
                } else {
                    uint32_t operand = BPF_SRC(in.code) == BPF_X ? x : k;
                    bool taken;
                    switch (BPF_OP(in.code)) {
                        case BPF_JEQ: taken = a == operand; break;
                        case BPF_JGT: taken = a > operand; break;
                        case BPF_JGE: taken = a >= operand; break;
                        case BPF_JSET: taken = (a & operand) != 0; break;
                        default: return std::nullopt;
                    }
                    target = pc + 1 + (taken ? in.jt : in.jf);
                }
                if (target >= prog.size()) return std::nullopt;
                pc = target - 1;  // the loop's ++pc lands on it
                break;
            }
            case BPF_RET:
                v.action = BPF_RVAL(in.code) == BPF_A ? a : k;
                return v;
            case BPF_MISC:
                if (BPF_MISCOP(in.code) == BPF_TAX) x = a;
                else if (BPF_MISCOP(in.code) == BPF_TXA) a = x;
                else return std::nullopt;
                break;
            default: return std::nullopt;
        }
    }
    return std::nullopt;  // ran off the end: the kernel refuses such a program
}

}  // namespace ukmon::sandbox
