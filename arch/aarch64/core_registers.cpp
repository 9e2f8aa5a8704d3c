// aarch64 registers in the layout of a Linux process core (see registers.hpp).
#include "arch/aarch64/registers.hpp"

#include <cstring>

namespace ukmon::a64 {

user_regs_struct to_user_regs(const Registers& r) {
    user_regs_struct u{};
    static_assert(sizeof u.regs == sizeof r.x);
    std::memcpy(u.regs, r.x, sizeof u.regs);
    u.sp = r.sp;
    u.pc = r.pc;
    u.pstate = r.pstate;
    return u;
}

}  // namespace ukmon::a64
