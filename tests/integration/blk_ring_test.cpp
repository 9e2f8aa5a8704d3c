// The blk ring under kvm (modules/blk/blk_ring.*, guest-abi/lib/ring_blk.c) end to end, with
// hostile guests driving the ring themselves (tests/guests/hostile_ring.c, ring_setup_bad.c):
// every bad descriptor or set-up gets a status and the disk keeps every byte it should;
// a broken index breaks only the ring; a never-ending stream still ends at --timeout or a
// stop signal; and every write the thread completed is in the file once the run has ended.
// Under seccomp there is no ring: set-up says EINVAL and the library keeps the direct calls.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A 64 KiB disk of non-zero bytes, so any stray write shows.
std::string make_disk(const TempDir& dir) {
    std::string path = dir / "disk.img", bytes(64 << 10, '\0');
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = char(i * 7 + 3);
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    return path;
}

RunResult ring_guest(const std::string& b, const std::string& disk, const std::string& mode,
                     std::vector<std::string> flags = {}) {
    flags.push_back("--block:disk=" + disk);
    return run_on(guest_exe("hostile_ring"), b, flags, {mode});
}

void check_all_ok(const RunResult& r) {
    INFO(r.describe());
    check_exit(r, 0);
    CHECK(r.out.find("not ok") == std::string::npos);
}

}  // namespace

TEST_CASE("blk ring: set-up is offered under kvm only, once, and a misplaced ring is refused with a status") {
    for_each_backend("blk ring set-up", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir), before = slurp(disk);
        check_all_ok(ring_guest(b, disk, "probe"));
        check_all_ok(run_on(guest_exe("ring_setup_bad"), b, {"--block:disk=" + disk}));
        CHECK(slurp(disk) == before);
    });
}

TEST_CASE("blk ring: descriptors outside the guest, on its text or on the ring get EFAULT; bad ranges, handles and ops their status; the disk is untouched") {
    for_each_backend("blk ring hostile descriptors", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir), before = slurp(disk);
        RunResult r = ring_guest(b, disk, "outside");
        check_all_ok(r);
        CHECK(r.out.find("ok - read onto the ring itself is EFAULT") != std::string::npos);
        CHECK(slurp(disk) == before);
    }, {"kvm"});
}

TEST_CASE("blk ring: descriptors changing under the I/O thread get OK, EFAULT or EINVAL and touch only their own block") {
    for_each_backend("blk ring scribbling guest", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir), before = slurp(disk);
        check_all_ok(ring_guest(b, disk, "scribble"));
        std::string after = slurp(disk);
        REQUIRE(after.size() == before.size());
        CHECK(after.substr(0, 4096) == before.substr(0, 4096));
        CHECK(after.substr(4096, 4096) == std::string(4096, '\x5a'));
        CHECK(after.substr(8192) == before.substr(8192));
    }, {"kvm"});
}

TEST_CASE("blk ring: an index moved past the ring breaks the ring with EINVAL, and the direct calls still work") {
    for_each_backend("blk ring overflowing index", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir);
        check_all_ok(ring_guest(b, disk, "overflow"));
    }, {"kvm"});
}

TEST_CASE("blk ring: a never-ending stream of requests ends at --timeout (251) and at SIGTERM (250), promptly") {
    for_each_backend("blk ring never-ending stream", [](const std::string& b) {
        TempDir dir;
        std::string disk = make_disk(dir), before = slurp(disk);
        RunResult t = ring_guest(b, disk, "stream", {"--timeout=1"});
        INFO(t.describe());
        check_exit(t, 251);
        CHECK(t.seconds < 5);
        // Only blocks 0..7 are written, each whole (4 KiB of 0x77): nothing else moved.
        std::string after = slurp(disk);
        CHECK(after.substr(0, 8 * 4096) == std::string(8 * 4096, '\x77'));
        CHECK(after.substr(8 * 4096) == before.substr(8 * 4096));
        RunResult s = run({"timeout", "--preserve-status", "-s", "TERM", "1", guest_exe("hostile_ring"),
                           "--backend=" + b, "--block:disk=" + disk, "--", "stream"});
        INFO(s.describe());
        check_exit(s, 250);
        CHECK(s.seconds < 5);
    }, {"kvm"});
}

TEST_CASE("blk ring: writes through the library are on disk after a halt without a flush (the I/O thread stops before the exit flush)") {
    for_each_backend("blk ring writes at exit", [](const std::string& b) {
        for (int round = 0; round < 5; ++round) {  // a race would show in some rounds
            TempDir dir;
            std::string disk = make_disk(dir), before = slurp(disk);
            check_all_ok(ring_guest(b, disk, "persist"));
            std::string after = slurp(disk);
            for (int i = 0; i < 8; ++i) CHECK(after.substr(size_t(i) * 4096, 4096) == std::string(4096, char('A' + i)));
            CHECK(after.substr(8 * 4096) == before.substr(8 * 4096));
        }
    });
}

TEST_CASE("blk ring: while a guest streams, every thread of the monitor is under a seccomp filter and only the run loop's takes signals") {
    for_each_backend("blk ring thread lockdown", [](const std::string& b) {
        const char* san = std::getenv("UKMON_SANITIZE");
        if (san && std::string(san) == "1") {
            std::printf("SKIP: blk ring thread lockdown: sanitizer builds install no kvm monitor filter\n");
            return;
        }
        TempDir dir;
        std::string disk = make_disk(dir);
        // The guest streams for 3 s; after 1 s, list each thread's Seccomp mode and whether it
        // blocks SIGTERM (bit 15 of SigBlk). kvm's own kernel threads (kvm-*) are not ours.
        std::string script =
            "\"$0\" --backend=" + b + " --timeout=3 --block:disk=" + disk + " -- stream >/dev/null 2>&1 & pid=$!; "
            "sleep 1; for t in /proc/$pid/task/*; do n=$(cat $t/comm); case $n in kvm-*) continue;; esac; "
            "echo \"$(awk '/^Seccomp:/{s=$2} /^SigBlk:/{b=$2} END{print s, b}' $t/status)\"; done; wait $pid";
        RunResult r = run({"sh", "-c", script, guest_exe("hostile_ring")});
        INFO(r.describe());
        auto lines = r.out_lines();
        REQUIRE(lines.size() == 2);  // the run loop's thread and the ring thread
        int blocking_term = 0;
        for (const std::string& l : lines) {
            CHECK(l.rfind("2 ", 0) == 0);  // SECCOMP_MODE_FILTER
            unsigned long long mask = std::stoull(l.substr(2), nullptr, 16);
            blocking_term += (mask >> (15 - 1)) & 1;
        }
        CHECK(blocking_term == 1);
        check_exit(r, 251);
    }, {"kvm"});
}
