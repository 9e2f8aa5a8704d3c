// x86_64 registers in the layout of a Linux process core (see registers.hpp).
#include "arch/x86_64/registers.hpp"

namespace ukmon::x86 {

user_regs_struct to_user_regs(const Registers& r) {
    user_regs_struct u{};
    u.r15 = r.r15; u.r14 = r.r14; u.r13 = r.r13; u.r12 = r.r12;
    u.rbp = r.rbp; u.rbx = r.rbx; u.r11 = r.r11; u.r10 = r.r10;
    u.r9 = r.r9; u.r8 = r.r8; u.rax = r.rax; u.rcx = r.rcx;
    u.rdx = r.rdx; u.rsi = r.rsi; u.rdi = r.rdi; u.orig_rax = ~0ull;
    u.rip = r.rip; u.cs = r.cs; u.eflags = r.rflags; u.rsp = r.rsp;
    u.ss = r.ss; u.fs_base = r.fs_base; u.gs_base = r.gs_base;
    u.ds = r.ds; u.es = r.es; u.fs = r.fs; u.gs = r.gs;
    return u;
}

}  // namespace ukmon::x86
