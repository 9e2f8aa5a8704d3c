// ukmon-inspect GUEST.elf [--modules]: prints a guest's manifest (ABI version, declared
// devices), or with --modules the module names ukbake must link. One-line error otherwise.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "monitor/devices.hpp"
#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/personality.hpp"

namespace {

std::vector<std::byte> read_file(const char* path) {
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ukmon::UsageError(std::string(path) + ": " + std::strerror(errno));
    std::vector<std::byte> data;
    std::byte buf[65536];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) data.insert(data.end(), buf, buf + n);
    int err = errno;
    ::close(fd);
    if (n < 0) throw ukmon::UsageError(std::string(path) + ": " + std::strerror(err));
    return data;
}

// Module directory names, by device type.
const char* module_for(uint32_t type) { return type == UK_DEV_NET ? "net" : "blk"; }

}  // namespace

int main(int argc, char** argv) {
    bool modules_only = argc == 3 && std::strcmp(argv[2], "--modules") == 0;
    if (argc != 2 && !modules_only) {
        std::fprintf(stderr, "usage: ukmon-inspect GUEST.elf [--modules]\n");
        return ukmon::exit_code::usage;
    }
    try {
        auto bytes = read_file(argv[1]);
        // Either machine: a cross build runs this on the build machine (ukbake checks the match).
        auto img = ukmon::parse_guest_image(bytes, ukmon::any_machine);
        auto personality = ukmon::recognise_personality(img);
        auto devices = personality->manifest();
        if (modules_only) {
            std::set<std::string> mods;
            for (auto& d : devices)
                if (d.type != ukmon::no_device) mods.insert(module_for(d.type));
            for (auto& m : mods) std::printf("%s\n", m.c_str());
            return 0;
        }
        std::printf("guest: %s\npersonality: %s\nentry: 0x%llx\nimage_end: 0x%llx\ndevices: %zu\n", argv[1],
                    personality->name(), (unsigned long long)img.entry, (unsigned long long)img.image_end,
                    devices.size());
        for (size_t i = 0; i < devices.size(); ++i)
            if (devices[i].type == ukmon::no_device) std::printf("  handle %zu: (reserved)\n", i);
            else std::printf("  handle %zu: %s %s\n", i, ukmon::device_type_name(devices[i].type), devices[i].name.c_str());
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ukmon-inspect: %s: %s\n", argv[1], e.what());
        return ukmon::exit_code::usage;
    }
}
