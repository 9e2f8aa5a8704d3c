// Runs an executable as a child process with a timeout and captures everything the tests
// judge: stdout, stderr, exit status or signal. Also the one list of backends and their
// availability, so every guest test runs once per backend from the same place.
#pragma once
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "tests/integration/json_lite.hpp"

namespace ukmon_test {

struct RunResult {
    int exit_code = -1;      // valid when exited
    bool exited = false;
    bool signaled = false;   // killed by a signal (a monitor crash, or our timeout kill)
    int term_signal = 0;
    bool timed_out = false;  // we killed it at the deadline
    std::string out, err;
    double seconds = 0;

    std::vector<std::string> out_lines() const;
    std::vector<std::string> err_lines() const;
    std::string describe() const;  // for failure messages: status, stdout, stderr
};

struct RunOptions {
    std::chrono::milliseconds timeout{15000};
    std::string cwd;  // empty: the test's own working directory
    bool timeout_fails = true;  // a run that hits the deadline fails the current test
};

// argv[0] is looked up in PATH if it has no '/'. stdin is /dev/null. The child runs in its
// own process group; at the deadline the whole group is killed (SIGKILL), timed_out is set
// and the current test fails (unless options.timeout_fails is false).
RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// The JSON object in the file at `path` (a --stats report); fails the test, showing the
// file, if it is missing, not JSON or not an object.
json_lite::Value parse_stats(const std::string& path);

// "a\nb\n" -> {"a", "b"}; a last line without '\n' is kept.
std::vector<std::string> split_lines(const std::string& text);

// $UKMON_BUILD (tests/run-all sets it, absolute) or "build".
std::string build_dir();
// A baked test guest: $UKMON_BUILD/tests/bin/NAME. An example: $UKMON_BUILD/NAME.
std::string guest_exe(const std::string& name);
std::string example_exe(const std::string& name);

// A monitor exit with `code`: not a signal, not the harness's deadline kill.
void check_exit(const RunResult& r, int code);

// A fresh directory /tmp/ukmon-test-XXXXXX, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& name) const { return path_ + "/" + name; }
    std::vector<std::string> files() const;  // names of the entries, in no order

private:
    std::string path_;
};

// ---- backends -------------------------------------------------------------------------------

// THE list of backends every guest test runs on.
const std::vector<std::string>& backends();

// Why `backend` cannot run on this machine, or nullopt if it can. Cached per process.
std::optional<std::string> backend_unavailable(const std::string& backend);

// Runs fn(backend) for each backend in `only` (default: backends()). An unavailable backend
// prints "SKIP: <test> on <backend>: <reason>" to stdout instead (counted by tests/run-all).
void for_each_backend(const std::string& test, const std::function<void(const std::string&)>& fn,
                      const std::vector<std::string>& only = {});

// Runs a baked executable on a backend: EXE --backend=B [flags...] [-- guest_args...].
RunResult run_on(const std::string& exe, const std::string& backend, const std::vector<std::string>& flags = {},
                 const std::vector<std::string>& guest_args = {}, const RunOptions& options = {});

}  // namespace ukmon_test
