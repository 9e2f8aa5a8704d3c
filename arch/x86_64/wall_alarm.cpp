// See wall_alarm.hpp.
#include "arch/x86_64/wall_alarm.hpp"

#include <sys/syscall.h>
#include <unistd.h>

namespace ukmon::x86 {

void set_alarm(unsigned seconds) { ::syscall(SYS_alarm, seconds); }

void allow_alarm_cancel(SyscallPolicy& policy) {
    policy.allow(__NR_alarm, {{0, 0}}, "core", "--timeout: the exit path cancels the timer (alarm(0)) first");
}

}  // namespace ukmon::x86
