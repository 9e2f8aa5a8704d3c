// The harness itself: a hung child is killed at its deadline (with its whole process
// group), output is captured completely and separately, and exit codes and signals are told
// apart. Every other integration test relies on this.
#include <doctest/doctest.h>

#include <string>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

TEST_CASE("harness: a child that outlives its deadline is killed, with its children, and reported") {
    RunOptions o;
    o.timeout = std::chrono::milliseconds(300);
    o.timeout_fails = false;  // this test expects the timeout
    // The grandchild keeps the pipes open: only a group kill ends the run in time.
    RunResult r = run({"sh", "-c", "sleep 30 & echo started; sleep 30"}, o);
    CHECK(r.timed_out);
    CHECK(r.signaled);
    CHECK_FALSE(r.exited);
    CHECK(r.seconds < 5);
    CHECK(r.out == "started\n");
}

TEST_CASE("harness: stdout and stderr are captured separately and completely, even when large") {
    // 1 MiB on each stream, interleaved: a harness that reads one pipe at a time deadlocks.
    RunResult r = run({"sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' o; head -c 1048576 /dev/zero | tr '\\0' e >&2; echo end"});
    INFO(r.exit_code);
    CHECK(r.exited);
    CHECK(r.out.size() == 1048576 + 4);
    CHECK(r.err.size() == 1048576);
    CHECK(r.out.find('e') == 1048576);  // only "end" carries an 'e' on stdout
    CHECK(r.err.find('o') == std::string::npos);
}

TEST_CASE("harness: exit codes, signals and arguments pass through exactly") {
    RunResult a = run({"sh", "-c", "exit 252"});
    CHECK(a.exited);
    CHECK(a.exit_code == 252);
    RunResult b = run({"sh", "-c", "kill -SEGV $$"});
    CHECK(b.signaled);
    CHECK(b.term_signal == 11);
    RunResult c = run({"printf", "[%s]\\n", "a b", "", "'q'"});
    CHECK(c.out_lines() == std::vector<std::string>{"[a b]", "[]", "['q']"});
    RunResult d = run({"pwd"}, RunOptions{.timeout = std::chrono::milliseconds(5000), .cwd = std::string("/")});
    CHECK(d.out == "/\n");
}

TEST_CASE("harness: a missing executable is exit 127 with a message, not a hang") {
    RunResult r = run({"/nonexistent/ukmon-test-binary"});
    CHECK(r.exited);
    CHECK(r.exit_code == 127);
    CHECK(r.err.find("/nonexistent/ukmon-test-binary") != std::string::npos);
}

TEST_CASE("harness: split_lines keeps empty lines and a last line without a newline") {
    CHECK(split_lines("") == std::vector<std::string>{});
    CHECK(split_lines("a\n\nb") == std::vector<std::string>{"a", "", "b"});
    CHECK(split_lines("a\n") == std::vector<std::string>{"a"});
}
