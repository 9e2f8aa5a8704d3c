// Solo5 notes -> Manifest (see manifest.hpp).
#include "monitor/abi/solo5/manifest.hpp"

#include <cstdio>
#include <cstring>

#include <ukmon/abi.h>

#include "monitor/error.hpp"

namespace ukmon::abi_solo5 {
namespace {

[[noreturn]] void refuse(const char* fmt, auto... args) {
    char msg[256];
    std::snprintf(msg, sizeof msg, fmt, args...);
    throw UsageError(std::string("guest ELF: Solo5 ") + msg);
}

uint32_t read_abi(const ElfNote& n) {
    if (n.desc.size() != sizeof(solo5_abi_info))
        refuse("ABI note has size %zu, not %zu", n.desc.size(), sizeof(solo5_abi_info));
    solo5_abi_info info;
    std::memcpy(&info, n.desc.data(), sizeof info);
    if (info.target != SOLO5_TARGET_HVT && info.target != SOLO5_TARGET_SPT)
        refuse("ABI note names target %u; this monitor runs hvt (1) and spt (2)", info.target);
    if (info.version != SOLO5_ABI_VERSION)
        refuse("%s image is built for ABI version %u; this monitor speaks version %u", target_name(info.target),
               info.version, SOLO5_ABI_VERSION);
    return info.target;
}

// Device names: 1..67 characters of A-Z a-z 0-9 (what Solo5's option syntax can name).
bool valid_name(const char* name) {
    size_t len = strnlen(name, SOLO5_MFT_NAME_SIZE);
    if (len == 0 || len == SOLO5_MFT_NAME_SIZE) return false;
    for (size_t i = 0; i < len; ++i) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

std::vector<DeviceDecl> read_mft(const ElfNote& n, std::vector<solo5_mft_entry>& entries) {
    const size_t size = n.desc.size();
    if (size < SOLO5_MFT_NOTE_PAD + sizeof(solo5_mft)) refuse("manifest note is truncated (%zu bytes)", size);
    solo5_mft head;
    std::memcpy(&head, n.desc.data() + SOLO5_MFT_NOTE_PAD, sizeof head);
    if (head.version != SOLO5_MFT_VERSION)
        refuse("manifest version %u; this monitor speaks version %u", head.version, SOLO5_MFT_VERSION);
    if (head.entries == 0) refuse("manifest has no entries (the first one is reserved)");
    if (head.entries > SOLO5_MFT_MAX_ENTRIES)
        refuse("manifest has %u entries, more than the %u allowed (63 devices)", head.entries, SOLO5_MFT_MAX_ENTRIES);
    const size_t want = SOLO5_MFT_NOTE_PAD + sizeof(solo5_mft) + head.entries * sizeof(solo5_mft_entry);
    if (size != want) refuse("manifest note has %zu bytes; %u entries take %zu", size, head.entries, want);
    std::vector<DeviceDecl> devices;
    for (uint32_t i = 0; i < head.entries; ++i) {
        solo5_mft_entry e;
        std::memcpy(&e, n.desc.data() + SOLO5_MFT_NOTE_PAD + sizeof(solo5_mft) + i * sizeof e, sizeof e);
        if (e.attached != 0) refuse("manifest entry %u is marked attached in the file", i);
        entries.push_back(e);
        if (i == 0) {
            if (e.type != SOLO5_MFT_RESERVED_FIRST || e.name[0] != 0)
                refuse("manifest entry 0 is not the reserved first entry");
            devices.push_back(DeviceDecl{no_device, ""});
            continue;
        }
        if (!valid_name(e.name)) refuse("manifest entry %u has a bad name (1..67 characters of A-Z a-z 0-9)", i);
        uint32_t type = e.type == SOLO5_MFT_BLOCK_BASIC ? UK_DEV_BLK : e.type == SOLO5_MFT_NET_BASIC ? UK_DEV_NET : 0;
        if (type == 0) refuse("manifest entry %u ('%s') has unknown type 0x%x", i, e.name, e.type);
        for (const DeviceDecl& other : devices)
            if (other.name == e.name) refuse("device name '%s' is declared twice", e.name);
        devices.push_back(DeviceDecl{type, e.name});
    }
    return devices;
}

}  // namespace

const char* target_name(uint32_t target) {
    return target == SOLO5_TARGET_HVT ? "hvt" : target == SOLO5_TARGET_SPT ? "spt" : "unknown";
}

std::optional<Manifest> read_manifest(const GuestImage& img) {
    Manifest m;
    bool any = false, abi = false, mft = false;
    for (const ElfNote& n : img.notes) {
        if (n.owner != SOLO5_NOTE_NAME) continue;
        any = true;
        if (n.type == SOLO5_NOTE_ABI) {
            if (abi) refuse("ABI note appears twice");
            abi = true;
            m.target = read_abi(n);
        } else if (n.type == SOLO5_NOTE_MFT) {
            if (mft) refuse("manifest note appears twice");
            mft = true;
            m.devices = read_mft(n, m.entries);
        }  // other Solo5 notes carry nothing a monitor needs
    }
    if (!any) return std::nullopt;
    if (!abi) refuse("image has no ABI note");
    if (!mft) refuse("%s image has no manifest note", target_name(m.target));
    for (const Segment& s : img.segments)
        if (s.vaddr < SOLO5_HVT_GUEST_MIN_BASE) refuse("segment at 0x%llx lies below 1 MiB", (unsigned long long)s.vaddr);
    return m;
}

}  // namespace ukmon::abi_solo5
