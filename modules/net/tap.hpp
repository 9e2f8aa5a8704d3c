// Opening an existing TAP interface by name, and reading its MTU. Attach time only.
#pragma once
#include <net/if.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "monitor/unique_fd.hpp"

namespace ukmon::net {

// Why `name` cannot be an interface name, or nullptr: 1..IFNAMSIZ-1 characters of
// [A-Za-z0-9_.-], and not "." or "..".
constexpr const char* tap_name_problem(std::string_view name) {
    if (name.empty()) return "is empty";
    if (name.size() > IFNAMSIZ - 1) return "is longer than the 15 characters an interface name may have";
    if (name == "." || name == "..") return "is not an interface name";
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                  c == '-' || c == '.';
        if (!ok) return "has a character an interface name cannot have (use A-Z a-z 0-9 _ - .)";
    }
    return nullptr;
}

static_assert(tap_name_problem("tap0") == nullptr);
static_assert(tap_name_problem("ukmon-tap.1_x") == nullptr);
static_assert(tap_name_problem("123456789012345") == nullptr);
static_assert(tap_name_problem("1234567890123456") != nullptr);
static_assert(tap_name_problem("") != nullptr);
static_assert(tap_name_problem("..") != nullptr);
static_assert(tap_name_problem("tap/0") != nullptr);
static_assert(tap_name_problem("tap 0") != nullptr);
static_assert(tap_name_problem("tap:0") != nullptr);

struct Tap {
    UniqueFd fd;      // /dev/net/tun bound to the interface: O_NONBLOCK | O_CLOEXEC, IFF_NO_PI
    uint64_t mtu = 0;
};

// Binds to the EXISTING TAP interface `tap` (never creates one). UsageError naming the
// device `device` and the problem (no such interface, not a TAP, busy, no permission).
Tap open_tap(std::string_view device, const std::string& tap);

// Takes over an inherited fd that is already bound to a TAP (--net:NAME=@FD, as Solo5's
// tenders take it): single-queue, IFF_TAP, IFF_NO_PI; made non-blocking and close-on-exec.
// UsageError naming the device and the problem.
Tap adopt_tap_fd(std::string_view device, int fd);

}  // namespace ukmon::net
