// Scrubbing guest RAM (see scrub.hpp).
#include "monitor/scrub.hpp"

#include <cstring>

#include "monitor/abi/ukmon/layout.hpp"

namespace ukmon::scrub {

bool page_is_zero(const std::byte* p) {
    const auto* w = reinterpret_cast<const uint64_t*>(p);
    for (size_t i = 0; i < layout::page / 8; i += 4)
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3]) return false;
    return true;
}

void zero_pages(std::byte* p, uint64_t len, stats::ScrubReport& report) {
    report.done = true;
    for (uint64_t off = 0; off + layout::page <= len; off += layout::page) {
        ++report.pages_checked;
        if (page_is_zero(p + off)) continue;
        explicit_bzero(p + off, layout::page);  // never optimized away
        ++report.pages_zeroed;
    }
}

}  // namespace ukmon::scrub
