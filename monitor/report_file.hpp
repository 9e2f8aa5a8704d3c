// A report file (--stats) created safely: checked at start-up, before anything is written,
// and written whole or not at all at the end.
#pragma once
#include <sys/stat.h>
#include <sys/types.h>

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "monitor/unique_fd.hpp"

namespace ukmon {

class ReportFile {
public:
    // Checks `path` (named `option` in messages, e.g. "--stats") and keeps its directory open:
    // the directory must open; the file must be absent or a regular file (a symbolic link,
    // FIFO, directory or device is refused without being opened, so nothing hangs); it must
    // not be one of `device_files` (same inode, however spelt or linked). Throws UsageError
    // with one line naming the problem. Writes nothing.
    static ReportFile prepare(std::string option, const std::string& path,
                              std::span<const std::string> device_files);

    // Writes `bytes` to a new file in the same directory and renames it over the report, so a
    // reader sees the old file or the whole new one, never a part. Returns false with errno
    // set on failure (the temporary file is removed). Needs openat, write, fsync, renameat and
    // unlinkat: call it outside any seccomp filter.
    bool write_atomically(std::string_view bytes) const;

    // For an exit path that runs inside a filter and may only write to an fd it already has:
    // the report file itself, opened without following a symbolic link and without blocking,
    // checked again on the open fd (regular, not a device's file), then emptied. Throws
    // UsageError. Not atomic: a run that dies while writing leaves a part.
    UniqueFd open_in_place() const;

    const std::string& path() const { return path_; }

private:
    ReportFile() = default;
    std::string refusal(const struct stat& st) const;  // empty if st is fine for a report

    std::string option_;
    std::string path_;        // as given, for messages
    std::string name_;        // the last component, relative to dir_
    UniqueFd dir_;
    std::vector<std::pair<dev_t, ino_t>> devices_;
};

}  // namespace ukmon
