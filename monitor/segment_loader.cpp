// load_segments (see segment_loader.hpp).
#include "monitor/segment_loader.hpp"

#include <algorithm>

namespace ukmon {

void load_segments(const GuestMemory& mem, const GuestImage& img) {
    for (const Segment& s : img.segments) {
        auto dst = mem.span(s.vaddr, s.memsz, "segment");
        auto src = img.bytes.subspan(s.file_offset, s.filesz);
        std::copy(src.begin(), src.end(), dst.begin());
        std::fill(dst.begin() + s.filesz, dst.end(), std::byte{0});
    }
}

}  // namespace ukmon
