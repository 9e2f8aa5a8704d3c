// recognise_personality: the one place that lists the guest ABIs this monitor speaks.
#include "monitor/personality.hpp"

#include "monitor/abi/ukmon/personality.hpp"
#include "monitor/error.hpp"

namespace ukmon {

std::unique_ptr<Personality> recognise_personality(const GuestImage& image) {
    if (auto p = abi_ukmon::recognise(image)) return p;
    throw UsageError("guest ELF: no UKMON ABI version note: not a ukmon guest (link with libukguest)");
}

}  // namespace ukmon
