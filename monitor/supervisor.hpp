// --dumpcore's supervisor: a parent process, outside the seccomp filter, that writes the
// guest's core file when the monitor (its child, which runs the guest behind the filter)
// asks. Forked only when --dumpcore is given, before guest memory exists. The file is
// created only when there is something to write: a run without a crash leaves nothing in
// DIR. Why this design and not a pre-created file: docs/debugging.md.
//
// The child streams what the filter lets it: its registers and the non-zero pages of guest
// memory, over a pipe (write), then waits for the answer on another (read). The supervisor
// accepts the regions a dump may contain once, before the guest runs, so a guest that
// shares the child process (seccomp backend) can at worst forge its own core, never make the
// supervisor write anything else.
#pragma once
#include <cstddef>
#include <span>
#include <string>

#include "monitor/coredump.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/run_outcome.hpp"

namespace ukmon::supervisor {

struct Channel {
    int to_parent = -1;    // the child's end of the request pipe
    int from_parent = -1;  // the child's end of the answer pipe
    explicit operator bool() const { return to_parent >= 0; }
};

// Forks. The parent never returns: it serves dump requests, then exits as the child did
// (its exit status, or the same signal). It forwards HUP, INT, QUIT, TERM, USR1, USR2 to the
// child. The child returns the channel and dies with its parent (PR_SET_PDEATHSIG).
// `dir_fd` is the open --dumpcore directory, `dir` its name as given.
Channel start(int dir_fd, const std::string& dir, const std::string& program);

// Child, before the filter: the only guest regions a later dump may contain.
void send_regions(const Channel& ch, std::span<const coredump::Region> regions);

// Child, in the exit path (inside the filter, allocation-free; write and read on the
// channel only): sends the registers and every non-zero page of `regions` (read through
// `mem`, an unrestricted view), then waits for the supervisor. Returns true when the core
// was written; `text` then holds its path, otherwise why not.
bool dump(const Channel& ch, const GuestStop& stop, const GuestMemory& mem,
          std::span<const coredump::Region> regions, char* text, size_t text_size);

}  // namespace ukmon::supervisor
