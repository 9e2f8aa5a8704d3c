// attach(): binds each declared net device to the TAP its --net option names, with the MAC
// of its --net-mac option or a derived one. One line naming the device on any problem.
#include <algorithm>

#include "modules/net/net_module.hpp"
#include "modules/net/tap.hpp"
#include "monitor/error.hpp"

namespace ukmon::net {
namespace {

// The one option with this word for this device, or nullptr; two are an error.
const DeviceOption* option_for(std::span<const DeviceOption> options, std::string_view word,
                               const std::string& device) {
    const DeviceOption* chosen = nullptr;
    for (const DeviceOption& o : options) {
        if (o.word != word || o.device != device) continue;
        if (chosen)
            throw UsageError("net device '" + device + "' is given twice ('" + chosen->text + "' and '" + o.text +
                             "'): give one --" + std::string(word) + " option per device");
        chosen = &o;
    }
    if (chosen && (!chosen->value || chosen->value->empty()))
        throw UsageError("option '" + chosen->text + "' has no value: write --" + std::string(word) + ":" + device +
                         (word == option_mac ? "=xx:xx:xx:xx:xx:xx" : "=TAP"));
    return chosen;
}

Mac mac_for(const DeclaredDevice& decl, const DeviceOption* opt, const std::string& tap) {
    if (!opt) return derive_mac(decl.name, tap);
    auto mac = parse_mac(*opt->value);
    if (!mac)
        throw UsageError("net device '" + decl.name + "': bad MAC '" + *opt->value +
                         "' (expected six hex pairs like 02:00:00:00:00:01)");
    if (const char* problem = mac_problem(*mac))
        throw UsageError("net device '" + decl.name + "': MAC '" + *opt->value + "' " + problem);
    return *mac;
}

// "@N": an inherited fd number (fd_hygiene kept it open).
int parse_fd(const std::string& device, const std::string& at) {
    std::string digits = at.substr(1);
    bool ok = !digits.empty() && digits.size() <= 6;
    for (char c : digits) ok = ok && c >= '0' && c <= '9';
    if (!ok) throw UsageError("net device '" + device + "': '" + at + "' is not @FD with FD a file descriptor number");
    return std::stoi(digits);
}

}  // namespace

void NetModule::attach(std::span<const DeclaredDevice> declared, std::span<const DeviceOption> options) {
    // The core refuses these too; a module never trusts that it was handed only its own.
    for (const DeviceOption& o : options) {
        bool known = std::any_of(declared.begin(), declared.end(), [&](auto& d) { return d.name == o.device; });
        if (!known) throw UsageError("option '" + o.text + "': the guest declares no net device named '" + o.device + "'");
    }
    // Missing, doubled and conflicting options and bad MACs are refused before any TAP opens.
    std::vector<std::pair<std::string, Mac>> plan;  // TAP and MAC, in `declared` order
    for (const DeclaredDevice& decl : declared) {
        if (decl.handle >= nics_.size())
            throw UsageError("net device '" + decl.name + "': handle " + std::to_string(decl.handle) +
                             " is beyond the " + std::to_string(max_device_handles) + " device handles a module serves");
        const DeviceOption* tap_opt = option_for(options, option_tap, decl.name);
        const DeviceOption* mac_opt = option_for(options, option_mac, decl.name);
        if (!tap_opt)
            throw UsageError("net device '" + decl.name + "' is declared by the guest but not attached: add --net:" +
                             decl.name + "=TAP");
        const std::string& tap = *tap_opt->value;
        for (size_t i = 0; i < plan.size(); ++i)
            if (plan[i].first == tap)
                throw UsageError("net devices '" + declared[i].name + "' and '" + decl.name + "' both name TAP '" +
                                 tap + "': give each its own");
        plan.emplace_back(tap, mac_for(decl, mac_opt, tap));
    }
    poll_count_ = 0;
    for (size_t i = 0; i < declared.size(); ++i) {
        const DeclaredDevice& decl = declared[i];
        const std::string& where = plan[i].first;
        Tap t = where.starts_with("@") ? adopt_tap_fd(decl.name, parse_fd(decl.name, where)) : open_tap(decl.name, where);
        Nic& n = nics_[decl.handle];
        n.name = decl.name;
        n.tap = plan[i].first;
        n.mac = plan[i].second;
        n.mtu = t.mtu;
        n.fd = std::move(t.fd);
        n.attached = true;
        pollfds_[poll_count_] = pollfd{n.fd.get(), POLLIN, 0};
        poll_handles_[poll_count_++] = decl.handle;
    }
}

}  // namespace ukmon::net
