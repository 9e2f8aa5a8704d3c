// The seam between the core and the architecture it is built for: core code includes this
// and says arch::Registers, arch::describe_fault, arch::restore_thread_pointer, ...; each
// arch folder provides the same names in its own namespace (arch/machine.hpp picks it).
#pragma once
#include "arch/machine.hpp"

#if defined(__x86_64__)
#include "arch/x86_64/faults.hpp"
#include "arch/x86_64/process_context.hpp"
#include "arch/x86_64/registers.hpp"
#include "arch/x86_64/thread_pointer.hpp"
#include "arch/x86_64/wall_alarm.hpp"
#elif defined(__aarch64__)
#include "arch/aarch64/faults.hpp"
#include "arch/aarch64/process_context.hpp"
#include "arch/aarch64/registers.hpp"
#include "arch/aarch64/thread_pointer.hpp"
#include "arch/aarch64/wall_alarm.hpp"
#endif
