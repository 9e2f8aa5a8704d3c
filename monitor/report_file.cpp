// ReportFile: see report_file.hpp.
#include "monitor/report_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "monitor/error.hpp"
#include "monitor/fd_io.hpp"

namespace ukmon {

ReportFile ReportFile::prepare(std::string option, const std::string& path, std::span<const std::string> device_files) {
    ReportFile r;
    r.option_ = std::move(option);
    r.path_ = path;
    auto refuse = [&](const std::string& problem) -> UsageError {
        return UsageError(r.option_ + "=" + path + ": " + problem);
    };
    size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
    r.name_ = slash == std::string::npos ? path : path.substr(slash + 1);
    if (r.name_.empty() || r.name_ == "." || r.name_ == "..")
        throw refuse("names a directory, not a file");
    r.dir_ = UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!r.dir_) throw refuse("its directory cannot be opened: " + std::string(std::strerror(errno)));
    for (const std::string& f : device_files) {
        struct stat st {};
        if (::stat(f.c_str(), &st) == 0) r.devices_.emplace_back(st.st_dev, st.st_ino);
    }
    struct stat st {};
    if (::fstatat(r.dir_.get(), r.name_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (std::string why = r.refusal(st); !why.empty()) throw refuse(why);
    } else if (errno != ENOENT) {
        throw refuse("cannot be examined: " + std::string(std::strerror(errno)));
    }
    return r;
}

std::string ReportFile::refusal(const struct stat& st) const {
    if (S_ISLNK(st.st_mode)) return "is a symbolic link (give the file's own path)";
    if (S_ISDIR(st.st_mode)) return "is a directory";
    if (!S_ISREG(st.st_mode)) return "is not a regular file";
    for (auto& [dev, ino] : devices_)
        if (st.st_dev == dev && st.st_ino == ino) return "is a file attached as a device; a report would overwrite it";
    return {};
}

bool ReportFile::write_atomically(std::string_view bytes) const {
    static std::atomic<unsigned> serial{0};
    char tmp[64];
    std::snprintf(tmp, sizeof tmp, ".ukmon-report.%d.%u.tmp", int(::getpid()), serial++);
    int fd = ::openat(dir_.get(), tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool ok = write_all(fd, bytes.data(), bytes.size()) && ::fsync(fd) == 0;
    int err = errno;
    ::close(fd);
    if (ok && ::renameat(dir_.get(), tmp, dir_.get(), name_.c_str()) == 0) return true;
    if (ok) err = errno;
    ::unlinkat(dir_.get(), tmp, 0);
    errno = err;
    return false;
}

UniqueFd ReportFile::open_in_place() const {
    // No O_TRUNC: the file is emptied only once the open fd has passed the checks.
    UniqueFd fd(::openat(dir_.get(), name_.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644));
    auto refuse = [&](const std::string& problem) -> UsageError {
        return UsageError(option_ + "=" + path_ + ": " + problem);
    };
    if (!fd) {
        if (errno == ELOOP) throw refuse("is a symbolic link (give the file's own path)");
        throw refuse("cannot be opened for writing: " + std::string(std::strerror(errno)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) throw refuse("cannot be examined: " + std::string(std::strerror(errno)));
    if (std::string why = refusal(st); !why.empty()) throw refuse(why);
    if (::ftruncate(fd.get(), 0) != 0) throw refuse("cannot be emptied: " + std::string(std::strerror(errno)));
    return fd;
}

}  // namespace ukmon
