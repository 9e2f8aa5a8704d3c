// printable(): see printable.hpp.
#include "monitor/printable.hpp"

#include <cstdio>

namespace ukmon {

std::string printable(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (c >= 0x20 && c < 0x7f) {
            out += char(c);
            continue;
        }
        char esc[5];
        std::snprintf(esc, sizeof esc, "\\x%02x", c);
        out += esc;
    }
    return out;
}

}  // namespace ukmon
