// The hypercalls every executable has: walltime, puts, halt, and poll without NICs.
#pragma once
#include "monitor/dispatcher.hpp"

namespace ukmon {
// Call after the modules registered theirs: poll is the core's only if no module took it.
void register_core_hypercalls(Dispatcher& d);
}
