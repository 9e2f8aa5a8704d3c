// attach_devices(): match the manifest, the linked modules and the device options.
#include "monitor/devices.hpp"

#include <algorithm>

#include <ukmon/abi.h>

#include "monitor/error.hpp"

namespace ukmon {

const char* device_type_name(uint32_t type) {
    switch (type) {
        case UK_DEV_NET: return "net";
        case UK_DEV_BLK: return "blk";
        default: return "unknown";
    }
}

void attach_devices(std::span<const DeviceDecl> manifest, const Options& options, std::span<Module* const> modules) {
    for (size_t i = 0; i < manifest.size(); ++i) {
        const DeviceDecl& d = manifest[i];
        bool served = std::any_of(modules.begin(), modules.end(),
                                  [&](Module* m) { return m->device_type() == d.type; });
        if (!served)
            throw UsageError(std::string("the guest declares ") + device_type_name(d.type) + " device '" +
                             d.name + "' but this executable has no " + device_type_name(d.type) +
                             " module (bake it with ukbake)");
    }
    for (Module* m : modules) {
        std::vector<DeclaredDevice> mine;
        for (size_t i = 0; i < manifest.size(); ++i)
            if (manifest[i].type == m->device_type()) mine.push_back({uint32_t(i), manifest[i].name});
        auto words = m->option_words();
        std::vector<DeviceOption> opts;
        for (const DeviceOption& o : options.device_options) {
            if (std::find(words.begin(), words.end(), o.word) == words.end()) continue;
            bool declared = std::any_of(mine.begin(), mine.end(), [&](auto& d) { return d.name == o.device; });
            if (!declared)
                throw UsageError("option '" + o.text + "': the guest declares no " + m->name() +
                                 " device named '" + o.device + "'");
            opts.push_back(o);
        }
        m->attach(mine, opts);
    }
}

}  // namespace ukmon
