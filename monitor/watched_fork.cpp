// watched_fork (see watched_fork.hpp).
#include "monitor/watched_fork.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"

namespace ukmon {

pid_t watched_fork(const char* who) {
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t parent = ::getpid();
    pid_t pid = ::fork();
    if (pid < 0) throw_errno(std::string("fork of ") + who);
    if (pid > 0) return pid;
    if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) throw_errno("prctl(PR_SET_PDEATHSIG)");
    if (::getppid() != parent) _exit(exit_code::host_error);  // the watcher is already gone
    return 0;
}

}  // namespace ukmon
