// Bounds checks for GuestMemory.
#include "monitor/guest_memory.hpp"

#include <cstdio>

#include "monitor/error.hpp"
#include "monitor/guest_access.hpp"

namespace ukmon {

GuestMemory::GuestMemory(std::byte* host_low, uint64_t low, uint64_t end)
    : host_low_(host_low), low_(low), end_(end) {
    if (end < low) throw std::logic_error("GuestMemory: end below low");
}

bool GuestMemory::contains(uint64_t gpa, uint64_t len) const {
    // Written so that no sum can wrap: gpa in [low, end], then len <= what is left.
    return gpa >= low_ && gpa <= end_ && len <= end_ - gpa;
}

std::optional<std::span<std::byte>> GuestMemory::checked(uint64_t gpa, uint64_t len, bool write) const {
    if (!contains(gpa, len)) return std::nullopt;
    if (access_ && !access_->allows(gpa, len, write)) return std::nullopt;
    return std::span<std::byte>(host_low_ + (gpa - low_), len);
}

std::span<std::byte> GuestMemory::checked_or_throw(uint64_t gpa, uint64_t len, bool write, const char* what) const {
    if (auto s = checked(gpa, len, write)) return *s;
    const char* problem = !contains(gpa, len) ? "is outside guest memory"
                          : write              ? "is not writable by the guest"
                                               : "is not readable by the guest";
    char msg[192];
    std::snprintf(msg, sizeof msg, "%s at guest address 0x%llx, length 0x%llx, %s", what,
                  static_cast<unsigned long long>(gpa), static_cast<unsigned long long>(len), problem);
    throw GuestFault(msg);
}

std::optional<std::span<std::byte>> GuestMemory::try_span(uint64_t gpa, uint64_t len) const {
    return checked(gpa, len, false);
}

std::optional<std::span<std::byte>> GuestMemory::try_writable_span(uint64_t gpa, uint64_t len) const {
    return checked(gpa, len, true);
}

std::span<std::byte> GuestMemory::span(uint64_t gpa, uint64_t len, const char* what) const {
    return checked_or_throw(gpa, len, false, what);
}

std::span<std::byte> GuestMemory::writable_span(uint64_t gpa, uint64_t len, const char* what) const {
    return checked_or_throw(gpa, len, true, what);
}

std::optional<std::string> GuestMemory::read_string(uint64_t gpa, uint64_t max) const {
    if (!contains(gpa, 0)) return std::nullopt;
    uint64_t avail = end_ - gpa;
    uint64_t scan = max < avail ? max + 1 : avail;
    auto span = try_span(gpa, scan);
    if (!span) return std::nullopt;  // not readable by the guest
    auto bytes = *span;
    auto* nul = static_cast<const std::byte*>(std::memchr(bytes.data(), 0, bytes.size()));
    if (!nul) return std::nullopt;
    return std::string(reinterpret_cast<const char*>(bytes.data()), nul - bytes.data());
}

GuestMemory GuestMemory::sub_range(uint64_t low, uint64_t end) const {
    if (low > end || !contains(low, end - low)) throw std::logic_error("GuestMemory: bad sub-range");
    GuestMemory sub(host_low_ + (low - low_), low, end);
    sub.access_ = access_;
    return sub;
}

GuestMemory GuestMemory::restricted_to(const GuestAccessMap* map) const {
    GuestMemory view = *this;
    view.access_ = map;
    return view;
}

}  // namespace ukmon
