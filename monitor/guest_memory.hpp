// The one door from a guest address to host memory. Every access names its length and is
// checked against the guest range with overflow-safe arithmetic; nothing else may turn a
// guest address into a host pointer.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <type_traits>

namespace ukmon {

class GuestAccessMap;  // guest_access.hpp

class GuestMemory {
public:
    // `host_low` is where guest address `low` lives in this process; the range is [low, end).
    GuestMemory(std::byte* host_low, uint64_t low, uint64_t end);

    uint64_t low() const { return low_; }
    uint64_t end() const { return end_; }
    bool contains(uint64_t gpa, uint64_t len) const;

    // nullopt if [gpa, gpa+len) is not wholly inside the range (incl. when it wraps), or, in
    // a view restricted to the guest's own rights (restricted_to), not readable by the guest.
    std::optional<std::span<std::byte>> try_span(uint64_t gpa, uint64_t len) const;
    // Same for bytes the monitor will write: the guest must be allowed to write them.
    std::optional<std::span<std::byte>> try_writable_span(uint64_t gpa, uint64_t len) const;
    // Same, but a bad range is the guest's fault: throws GuestFault naming `what`.
    std::span<std::byte> span(uint64_t gpa, uint64_t len, const char* what = "access") const;
    std::span<std::byte> writable_span(uint64_t gpa, uint64_t len, const char* what = "access") const;

    // Copies out by value, so a later change by the guest cannot reach a validated copy.
    template <class T>
    T read(uint64_t gpa, const char* what = "read") const {
        static_assert(std::is_trivially_copyable_v<T>);
        T value;
        std::memcpy(&value, span(gpa, sizeof(T), what).data(), sizeof(T));
        return value;
    }
    template <class T>
    void write(uint64_t gpa, const T& value, const char* what = "write") const {
        static_assert(std::is_trivially_copyable_v<T>);
        std::memcpy(writable_span(gpa, sizeof(T), what).data(), &value, sizeof(T));
    }

    // A NUL-terminated string of at most `max` bytes before the NUL; nullopt if it leaves
    // guest memory or has no NUL within max+1 bytes.
    std::optional<std::string> read_string(uint64_t gpa, uint64_t max) const;

    // A view of the sub-range [low, end) of this memory (e.g. the part hypercalls may use).
    GuestMemory sub_range(uint64_t low, uint64_t end) const;
    // A view that also refuses what the guest itself may not read or write (`map` must
    // outlive it). Hypercalls get such a view; the monitor's own set-up does not.
    GuestMemory restricted_to(const GuestAccessMap* map) const;

private:
    std::optional<std::span<std::byte>> checked(uint64_t gpa, uint64_t len, bool write) const;
    std::span<std::byte> checked_or_throw(uint64_t gpa, uint64_t len, bool write, const char* what) const;

    std::byte* host_low_;
    uint64_t low_;
    uint64_t end_;
    const GuestAccessMap* access_ = nullptr;  // null: every byte in range is accessible
};

}  // namespace ukmon
