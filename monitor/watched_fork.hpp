// The fork both watchers of a run use (the --dumpcore supervisor, the guardian): the parent
// watches, the child runs the guest and dies with its parent.
#pragma once
#include <sys/types.h>

namespace ukmon {

// Flushes stdio and forks. Parent: the child's pid. Child: 0, with PR_SET_PDEATHSIG=SIGKILL
// (and _exit(253) if the parent is already gone). HostError naming `who` if fork fails.
pid_t watched_fork(const char* who);

}  // namespace ukmon
