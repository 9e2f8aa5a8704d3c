// The --timeout alarm on aarch64, which has no alarm(2): setitimer(ITIMER_REAL), as glibc's
// alarm() does there. The cancel is allowed by its which and its NULL old value; the new
// value is a pointer the filter cannot read, so a guest may re-arm the timer as well as
// cancel it — no more than cancelling already allows (the deadline that must hold lives in
// the guardian, outside the filter: docs/security.md).
#pragma once
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon::a64 {

void set_alarm(unsigned seconds);  // 0 cancels; a raw call, async-signal-safe
void allow_alarm_cancel(SyscallPolicy& policy);

}  // namespace ukmon::a64
