// The hypercalls every executable has: walltime, puts, halt, and poll without NICs.
#pragma once
#include "monitor/dispatcher.hpp"

namespace ukmon {
void register_core_hypercalls(Dispatcher& d);
}
