// The seam's smallest part (arch/native.hpp has the rest): the identity of the architecture
// the monitor is built for, for code that needs nothing else of it (the ELF loader).
#pragma once

#if defined(__x86_64__)
#include "arch/x86_64/machine.hpp"
namespace ukmon { namespace arch = x86; }
#elif defined(__aarch64__)
#include "arch/aarch64/machine.hpp"
namespace ukmon { namespace arch = a64; }
#else
#error "ukmon builds for x86_64 and aarch64 only"
#endif
