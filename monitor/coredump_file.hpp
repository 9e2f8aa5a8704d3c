// Creating and writing a guest core file in the --dumpcore directory, for a process that may
// create files (the --dumpcore supervisor, the guardian): core.PROGRAM.PID, or .1, .2, ...
// when that exists (a reused pid). Never overwrites a file.
#pragma once
#include <cstddef>
#include <span>
#include <string>

#include "monitor/coredump.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::coredump {

// The new, empty file and its name in the directory; an invalid fd and `why` if none could be made.
UniqueFd create_file(int dir_fd, const std::string& program, int pid, std::string& name, std::string& why);

// The whole core of `regions`, read from `ram`: header, then each non-zero page at its
// offset, then the size, then fsync. True and the path in `text`, or false and why (the
// partial file removed).
bool write_file(int dir_fd, const std::string& dir, const std::string& program, int pid, const GuestStop& stop,
                std::span<const Region> regions, const GuestMemory& ram, std::string& text);

}  // namespace ukmon::coredump
