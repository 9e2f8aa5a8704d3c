// UKMON notes -> Manifest (see manifest.hpp).
#include "monitor/abi/ukmon/manifest.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <ukmon/abi.h>

#include "monitor/error.hpp"

namespace ukmon::abi_ukmon {
namespace {

[[noreturn]] void refuse(const char* fmt, auto... args) {
    char msg[256];
    std::snprintf(msg, sizeof msg, fmt, args...);
    throw UsageError(std::string("guest ELF: ") + msg);
}

bool valid_device_name(const char* name, size_t cap) {
    size_t len = strnlen(name, cap);
    if (len == 0 || len == cap) return false;
    return std::all_of(name, name + len, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

void read_note(const ElfNote& n, Manifest& m) {
    if (n.type == UK_NOTE_ABI_VERSION) {
        if (n.desc.size() != 4) refuse("ABI version note has size %zu, not 4", n.desc.size());
        if (m.abi_version != 0) refuse("more than one ABI version note");
        std::memcpy(&m.abi_version, n.desc.data(), 4);
        if (m.abi_version == 0) refuse("ABI version note says 0");
    } else if (n.type == UK_NOTE_DEVICE) {
        if (n.desc.size() != sizeof(uk_note_device))
            refuse("device note has size %zu, not %zu", n.desc.size(), sizeof(uk_note_device));
        uk_note_device d;
        std::memcpy(&d, n.desc.data(), sizeof d);
        if (d.type != UK_DEV_NET && d.type != UK_DEV_BLK) refuse("device note has unknown type %u", unsigned(d.type));
        if (!valid_device_name(d.name, sizeof d.name))
            refuse("device note has a bad name (1..31 characters of A-Z a-z 0-9 _ -)");
        if (m.devices.size() == UK_MAX_DEVICES) refuse("more than %u devices declared", UK_MAX_DEVICES);
        for (auto& other : m.devices)
            if (other.name == d.name) refuse("device name '%s' is declared twice", d.name);
        m.devices.push_back(DeviceDecl{d.type, d.name});
    } else {
        refuse("unknown UKMON note type %u", unsigned(n.type));
    }
}

}  // namespace

std::optional<Manifest> read_manifest(const GuestImage& img) {
    Manifest m;
    bool any = false;
    for (const ElfNote& n : img.notes) {
        if (n.owner != UK_NOTE_NAME) continue;
        any = true;
        read_note(n, m);
    }
    if (!any) return std::nullopt;
    if (m.abi_version == 0) refuse("no UKMON ABI version note: not a ukmon guest (link with libukguest)");
    if (m.abi_version != UK_ABI_VERSION)
        refuse("built for ukmon ABI version %u, but this monitor speaks version %u", m.abi_version, UK_ABI_VERSION);
    return m;
}

}  // namespace ukmon::abi_ukmon
