// The --timeout alarm on x86_64: alarm(2), whose cancel, alarm(0), the filter allows by
// its argument.
#pragma once
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::x86 {

void set_alarm(unsigned seconds);  // 0 cancels; a raw call, async-signal-safe
void allow_alarm_cancel(SyscallPolicy& policy);

}  // namespace ukmon::x86
