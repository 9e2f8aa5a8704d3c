// The seam for the registers of a stopped guest alone (arch/native.hpp has the rest): headers
// that carry a GuestStop include this, not the fault code.
#pragma once
#include "arch/machine.hpp"

#if defined(__x86_64__)
#include "arch/x86_64/registers.hpp"
#elif defined(__aarch64__)
#include "arch/aarch64/registers.hpp"
#endif
