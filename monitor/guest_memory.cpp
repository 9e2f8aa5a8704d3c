// Bounds checks for GuestMemory.
#include "monitor/guest_memory.hpp"

#include <cstdio>

#include "monitor/error.hpp"

namespace ukmon {

GuestMemory::GuestMemory(std::byte* host_low, uint64_t low, uint64_t end)
    : host_low_(host_low), low_(low), end_(end) {
    if (end < low) throw std::logic_error("GuestMemory: end below low");
}

bool GuestMemory::contains(uint64_t gpa, uint64_t len) const {
    // Written so that no sum can wrap: gpa in [low, end], then len <= what is left.
    return gpa >= low_ && gpa <= end_ && len <= end_ - gpa;
}

std::optional<std::span<std::byte>> GuestMemory::try_span(uint64_t gpa, uint64_t len) const {
    if (!contains(gpa, len)) return std::nullopt;
    return std::span<std::byte>(host_low_ + (gpa - low_), len);
}

std::span<std::byte> GuestMemory::span(uint64_t gpa, uint64_t len, const char* what) const {
    if (auto s = try_span(gpa, len)) return *s;
    char msg[160];
    std::snprintf(msg, sizeof msg, "%s at guest address 0x%llx, length 0x%llx, is outside guest memory",
                  what, static_cast<unsigned long long>(gpa), static_cast<unsigned long long>(len));
    throw GuestFault(msg);
}

std::optional<std::string> GuestMemory::read_string(uint64_t gpa, uint64_t max) const {
    if (!contains(gpa, 0)) return std::nullopt;
    uint64_t avail = end_ - gpa;
    uint64_t scan = max < avail ? max + 1 : avail;
    auto bytes = *try_span(gpa, scan);
    auto* nul = static_cast<const std::byte*>(std::memchr(bytes.data(), 0, bytes.size()));
    if (!nul) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(bytes.data()), nul - bytes.data());
}

GuestMemory GuestMemory::sub_range(uint64_t low, uint64_t end) const {
    if (low > end || !contains(low, end - low)) throw std::logic_error("GuestMemory: bad sub-range");
    return GuestMemory(host_low_ + (low - low_), low, end);
}

}  // namespace ukmon
