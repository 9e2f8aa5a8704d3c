// See wall_alarm.hpp.
#include "arch/aarch64/wall_alarm.hpp"

#include <sys/syscall.h>
#include <sys/time.h>
#include <unistd.h>

namespace ukmon::a64 {

void set_alarm(unsigned seconds) {
    itimerval v{};
    v.it_value.tv_sec = time_t(seconds);
    ::syscall(SYS_setitimer, ITIMER_REAL, &v, nullptr);
}

void allow_alarm_cancel(SyscallPolicy& policy) {
    policy.allow(__NR_setitimer, {{0, ITIMER_REAL, ~0ull, "ITIMER_REAL"}, {2, 0, ~0ull, "NULL"}}, "core",
                 "--timeout: the exit path cancels the timer (setitimer to 0) first");
}

}  // namespace ukmon::a64
