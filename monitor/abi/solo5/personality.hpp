// The Solo5 guest ABI (version 2: hvt and spt targets; guest-abi/include/solo5/abi.h) as a
// personality of the core, so unmodified Solo5 unikernels run.
#pragma once
#include <memory>

#include "monitor/personality.hpp"

namespace ukmon::abi_solo5 {

// nullptr when the image carries no Solo5 note; UsageError when its notes are malformed.
std::unique_ptr<Personality> recognise(const GuestImage& img);

// Solo5's tenders' exit codes for ukmon's (monitor/exit_codes.hpp): the guest's status as
// is, 255 for a crash, 159 (a SIGSYS death as a shell sees it) for a refused system call,
// 1 for a monitor error or bad input; ukmon's own --timeout keeps 251.
int exit_code(int ukmon_code, const RunOutcome* outcome);

}  // namespace ukmon::abi_solo5
