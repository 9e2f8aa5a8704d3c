// The one escaping function for text the monitor prints but did not write itself: user input
// quoted in an error, and anything the guest controls (its ELF's symbol names).
#pragma once
#include <string>
#include <string_view>

namespace ukmon {

// `text` with every byte that could end a line or drive a terminal written as \xNN: C0
// controls (below 0x20, newline and ESC included), DEL, and bytes 0x80..0xff (C1 controls
// such as the 8-bit CSI 0x9b, and any non-ASCII). The result is one line of plain ASCII.
std::string printable(std::string_view text);

}  // namespace ukmon
