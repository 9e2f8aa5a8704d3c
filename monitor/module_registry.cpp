// Reads the ukmon_modules linker section that UKMON_REGISTER_MODULE fills.
#include "monitor/module.hpp"

// Weak: with no module linked the section does not exist and both are null.
extern "C" ukmon::Module* const __start_ukmon_modules[] __attribute__((weak));
extern "C" ukmon::Module* const __stop_ukmon_modules[] __attribute__((weak));

namespace ukmon {

std::span<Module* const> linked_modules() {
    if (!__start_ukmon_modules) return {};
    return {__start_ukmon_modules, __stop_ukmon_modules};
}

}  // namespace ukmon
