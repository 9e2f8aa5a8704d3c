// The net module end to end. Each tests/net/*.sh script makes a throw-away network namespace
// with TAPs in it, runs a baked guest inside it and talks to it from inside it: all traffic
// stays in that namespace, the host's own interfaces are never touched. Every test runs once
// per backend; a backend, netns or /dev/net/tun this host lacks prints a SKIP line.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

// The scripts, from the source tree (the tests run from its top, like make test).
std::string script(const std::string& name) {
    std::string path = "tests/net/" + name;
    REQUIRE_MESSAGE(::access(path.c_str(), R_OK) == 0, path << " not found: run from the top of the source tree");
    return path;
}

// The script's "SKIP: reason" line, without the prefix.
std::string skip_reason(const RunResult& r) {
    for (const std::string& line : r.out_lines())
        if (line.rfind("SKIP: ", 0) == 0) return line.substr(6);
    return "(no reason given)";
}

// Runs `bash tests/net/NAME BUILD [BACKEND]`: exit 0 passes, 77 is a skip (printed as
// "SKIP: <test> on <backend>: <reason>"), anything else fails with the script's transcript.
void run_script(const std::string& test, const std::string& name, const std::string& backend) {
    std::vector<std::string> argv{"bash", script(name), build_dir()};
    if (!backend.empty()) argv.push_back(backend);
    RunOptions options;
    options.timeout = std::chrono::seconds(90);  // the scripts bound their own waits well below
    RunResult r = run(argv, options);
    if (r.exited && r.exit_code == 77) {
        std::printf("SKIP: %s%s%s: %s\n", test.c_str(), backend.empty() ? "" : " on ", backend.c_str(),
                    skip_reason(r).c_str());
        std::fflush(stdout);
        return;
    }
    INFO(r.describe());
    CHECK(r.exited);
    CHECK(r.exit_code == 0);
}

void on_each_backend(const std::string& test, const std::string& name) {
    for_each_backend(test, [&](const std::string& b) { run_script(test, name, b); });
}

// The application tests exercise guests (lwIP and the examples), not more monitor code than
// the tests above: they run once, in the normal suite, to keep CI short.
void app_on_each_backend(const std::string& test, const std::string& name) {
    if (const char* s = std::getenv("UKMON_SANITIZE"); s && std::string(s) == "1") {
        std::printf("SKIP: %s: network applications run in the normal suite only\n", test.c_str());
        std::fflush(stdout);
        return;
    }
    on_each_backend(test, name);
}

}  // namespace

TEST_CASE("net: ping from the host is answered (ARP, ICMP echo, a flood, a full-MTU frame)") {
    on_each_backend("net ping", "ping.sh");
}

TEST_CASE("net: udp-echo sends every datagram back byte for byte with correct checksums") {
    on_each_backend("net udp-echo", "udp_echo.sh");
}

TEST_CASE("net: two NICs work at once, each with its own TAP, MTU and MAC") {
    on_each_backend("net two NICs", "two_nics.sh");
}

TEST_CASE("net: a bad attachment is refused before boot with exit 252 and one line naming it") {
    on_each_backend("net attach errors", "attach_errors.sh");
}

TEST_CASE("net: bad handles, lengths, pointers and batches get an error status; a cut frame is dropped") {
    on_each_backend("net bad calls", "bad_calls.sh");
}

TEST_CASE("net: a Solo5-ABI guest answers ARP and ICMP through ukmon-run (spt on each backend, hvt on kvm)") {
    on_each_backend("net solo5 ping", "solo5_ping.sh");
}

TEST_CASE("net: only an executable whose guest declares a NIC carries net code") {
    run_script("net linked code", "linked_code.sh", "");
}

TEST_CASE("net apps: httpd serves the tar disk and /status to curl, with keep-alive and a 4xx for bad requests") {
    app_on_each_backend("net httpd", "httpd.sh");
}

TEST_CASE("net apps: iperf answers Debian's iperf client with a measured rate, twice") {
    app_on_each_backend("net iperf", "iperf.sh");
}

TEST_CASE("net apps: kv answers redis-cli and redis-benchmark, and its data survives a kill and SHUTDOWN") {
    app_on_each_backend("net kv", "kv.sh");
}

TEST_CASE("net apps: tcp-echo (the docs' minimal server) echoes 1 B to 4 MiB and 20 connections at once") {
    app_on_each_backend("net tcp-echo", "tcp_echo.sh");
}

TEST_CASE("net frames: sends leave in order (also at halt and while the guest computes); reads whole, in order; poll-and-read refuses bad arguments") {
    on_each_backend("net frames", "frames.sh");
}

TEST_CASE("net ring: hostile descriptors, vectors and indices get a status; a stream ends at --timeout and SIGTERM; idle costs no CPU") {
    on_each_backend("net ring", "netring.sh");
}
