// Core files on disk (see coredump_file.hpp).
#include "monitor/coredump_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "monitor/scrub.hpp"

namespace ukmon::coredump {

UniqueFd create_file(int dir_fd, const std::string& program, int pid, std::string& name, std::string& why) {
    std::string base = "core." + program + "." + std::to_string(pid);
    for (int n = 0; n < 100; ++n) {
        std::string candidate = n ? base + "." + std::to_string(n) : base;
        int fd = ::openat(dir_fd, candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd >= 0) {
            name = candidate;
            return UniqueFd(fd);
        }
        if (errno != EEXIST) break;
    }
    why = "cannot create " + base + " in the --dumpcore directory: " + std::strerror(errno);
    return UniqueFd();
}

bool write_file(int dir_fd, const std::string& dir, const std::string& program, int pid, const GuestStop& stop,
                std::span<const Region> regions, const GuestMemory& ram, std::string& text) {
    std::string name;
    UniqueFd fd = create_file(dir_fd, program, pid, name, text);
    if (!fd) return false;
    std::string path = dir + (dir.empty() || dir.back() == '/' ? "" : "/") + name;
    Layout l = layout(regions, stop, pid, program.c_str());
    auto fail = [&](const char* what) {
        text = "writing " + path + " failed (" + what + "): " + std::strerror(errno) + "; removed it";
        ::unlinkat(dir_fd, name.c_str(), 0);
        return false;
    };
    if (::pwrite(fd.get(), l.head.data(), l.head.size(), 0) != ssize_t(l.head.size())) return fail("the header");
    constexpr uint64_t page = 4096;
    for (size_t i = 0; i < regions.size(); ++i) {
        for (uint64_t a = regions[i].start; a < regions[i].end; a += page) {
            auto bytes = ram.try_span(a, page);
            if (!bytes || scrub::page_is_zero(bytes->data())) continue;  // holes read as zero
            off_t at = off_t(l.offsets[i] + (a - regions[i].start));
            if (::pwrite(fd.get(), bytes->data(), page, at) != ssize_t(page)) return fail("guest memory");
        }
    }
    if (::ftruncate(fd.get(), off_t(l.size)) != 0) return fail("setting its size");
    if (::fsync(fd.get()) != 0) return fail("flushing it");
    text = path;
    return true;
}

}  // namespace ukmon::coredump
