// The blk module end to end: baked guests (tests/guests/blk_probe.c, blk_pair.c,
// blk_with_net.c and the blkstore example) run as separate processes on each backend, and the disk image files are
// compared on the host before and after. Executables come from $UKMON_BUILD (harness.hpp).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<unsigned char>;

// ---- running executables ----------------------------------------------------------------

using ukmon_test::for_each_backend;
using ukmon_test::RunResult;
using ukmon_test::TempDir;

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

RunResult run(const std::string& exe, std::vector<std::string> args) {
    args.insert(args.begin(), exe);
    return ukmon_test::run(args);
}

std::string probe() { return ukmon_test::guest_exe("blk_probe"); }
std::string pair() { return ukmon_test::guest_exe("blk_pair"); }
std::string with_net() { return ukmon_test::guest_exe("blk_with_net"); }
std::string blkstore() { return ukmon_test::example_exe("blkstore"); }
std::string build_dir() { return ukmon_test::build_dir(); }

// Runs `EXE --backend=B OPTIONS... -- COMMANDS...` (the probe's commands are guest arguments).
RunResult run_probe(const std::string& exe, const std::string& backend, const std::vector<std::string>& options,
                    const std::vector<std::string>& commands) {
    return ukmon_test::run_on(exe, backend, options, commands);
}

// What the probe printed for `command` ("OK", "EINVAL", ...; first word only).
std::string result_of(const RunResult& r, const std::string& command) {
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(command + ": ", 0) == 0) {
            std::string rest = line.substr(command.size() + 2);
            return rest.substr(0, rest.find(' '));
        }
    return "(no output for " + command + ")";
}

// The whole line the probe printed for `command`, after "command: ".
std::string line_of(const RunResult& r, const std::string& command) {
    std::istringstream lines(r.out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind(command + ": ", 0) == 0) return line.substr(command.size() + 2);
    return "(no output for " + command + ")";
}

// ---- disk images --------------------------------------------------------------------------

// The probe's pattern (tests/guests/blk_probe.c): byte at disk offset o for seed s.
unsigned char pattern(uint64_t o, uint64_t s) {
    return static_cast<unsigned char>((o >> 9) * 31u + (o & 511u) * 7u + s * 101u + 1u);
}

Bytes read_bytes(const std::string& path) {
    std::string s = slurp(path);
    return Bytes(s.begin(), s.end());
}

void write_bytes(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
    REQUIRE(out.good());
}

// Bytes that are neither zero nor any seed's pattern, so a stray write shows.
Bytes noise(size_t size) {
    Bytes b(size);
    uint32_t x = 0x12345678;
    for (auto& c : b) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<unsigned char>(x >> 24);
    }
    return b;
}

bool matches_pattern(const Bytes& disk, uint64_t offset, uint64_t len, uint64_t seed) {
    if (offset + len > disk.size()) return false;
    for (uint64_t i = 0; i < len; ++i)
        if (disk[offset + i] != pattern(offset + i, seed)) return false;
    return true;
}

bool all_zero(const Bytes& disk, uint64_t offset, uint64_t len) {
    for (uint64_t i = 0; i < len; ++i)
        if (disk[offset + i] != 0) return false;
    return true;
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

}  // namespace

// ---- the device -----------------------------------------------------------------------------

TEST_CASE("blk: a pattern written over many sectors is on disk after exit, and a second boot reads it back") {
    for_each_backend("blk round trip", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, Bytes(4 << 20, 0));
        std::string dev = "--block:disk=" + disk;

        RunResult w = run_probe(probe(), b, {dev},
                          {"info", "write:0:1048576:5", "write:2097152:8192:6", "write:4190208:4096:7"});
        CHECK(w.exit_code == 0);
        CHECK(line_of(w, "info") == "OK sector=512 capacity=4194304 ro=0");
        CHECK(result_of(w, "write:0:1048576:5") == "OK");
        CHECK(result_of(w, "write:2097152:8192:6") == "OK");
        CHECK(result_of(w, "write:4190208:4096:7") == "OK");  // the last 8 sectors

        // The first process is gone: its writes are in the file.
        Bytes after = read_bytes(disk);
        REQUIRE(after.size() == size_t(4 << 20));
        CHECK(matches_pattern(after, 0, 1048576, 5));
        CHECK(all_zero(after, 1048576, 2097152 - 1048576));
        CHECK(matches_pattern(after, 2097152, 8192, 6));
        CHECK(all_zero(after, 2097152 + 8192, 4190208 - 2097152 - 8192));
        CHECK(matches_pattern(after, 4190208, 4096, 7));

        RunResult r = run_probe(probe(), b, {dev},
                          {"verify:0:1048576:5", "verify:2097152:8192:6", "verify:4190208:4096:7",
                           "verify:512:512:6"});
        CHECK(r.exit_code == 0);
        CHECK(result_of(r, "verify:0:1048576:5") == "OK");
        CHECK(result_of(r, "verify:2097152:8192:6") == "OK");
        CHECK(result_of(r, "verify:4190208:4096:7") == "OK");
        CHECK(result_of(r, "verify:512:512:6") == "MISMATCH");  // the probe does compare
    });
}

TEST_CASE("blk: one request may span the whole disk") {
    for_each_backend("blk whole-disk request", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, noise(6 << 20));
        RunResult r = run_probe(probe(), b, {"--block:disk=" + disk},
                          {"write:0:6291456:9", "verify:0:6291456:9", "flush"});
        CHECK(r.exit_code == 0);
        CHECK(result_of(r, "write:0:6291456:9") == "OK");
        CHECK(result_of(r, "verify:0:6291456:9") == "OK");
        CHECK(result_of(r, "flush") == "OK");
        CHECK(matches_pattern(read_bytes(disk), 0, 6 << 20, 9));
    });
}

// The filter allows disk I/O only in power-of-two lengths with offset <= capacity - length
// (docs/security.md); the module splits each request into those. Ragged sizes at ragged
// offsets, on a disk whose size is no power of two, up to its last sector, must all work.
TEST_CASE("blk: ragged requests are split into the filter's exact shapes and work up to the last sector") {
    for_each_backend("blk ragged requests", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        const uint64_t capacity = (3 << 20) + 3584;  // 3 MiB + 7 sectors
        write_bytes(disk, Bytes(capacity, 0));
        const std::string tail = std::to_string(capacity - 3584);
        const std::vector<std::string> cmds{"write:0:1536:1", "write:1536:3144192:2", "write:" + tail + ":3584:3",
                                            "verify:0:1536:1", "verify:1536:3144192:2", "verify:" + tail + ":3584:3",
                                            "flush"};
        RunResult r = run_probe(probe(), b, {"--block:disk=" + disk}, cmds);
        INFO(r.describe());
        CHECK(r.exit_code == 0);
        for (const std::string& c : cmds) {
            CAPTURE(c);
            CHECK(result_of(r, c) == "OK");
        }
        Bytes after = read_bytes(disk);
        REQUIRE(after.size() == capacity);
        CHECK(matches_pattern(after, 0, 1536, 1));
        CHECK(matches_pattern(after, 1536, 3144192, 2));
        CHECK(matches_pattern(after, capacity - 3584, 3584, 3));
    });
}

TEST_CASE("blk: out-of-range, misaligned, wrapping and empty requests get EINVAL and leave the file untouched") {
    for_each_backend("blk bad ranges", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        Bytes before = noise(64 << 10);
        write_bytes(disk, before);
        const std::vector<std::string> ranges = {
            "65536:512",                 // starts at the end
            "65024:1024",                // starts inside, runs past the end
            "0:66048",                   // longer than the disk
            "131072:512",                // far past the end
            "1:512",                     // misaligned offset
            "512:511",                   // length not a whole sector
            "0:1",                       // one byte
            "0:0",                       // nothing at all
            "65536:0",                   // nothing, at the end
            "0xfffffffffffffe00:512",    // offset + len wraps to 0
            "512:0xfffffffffffffe00",    // offset + len wraps to 512
            "0xfffffffffffffe00:0x400",  // wraps past 0
            "0x8000000000000000:512",    // beyond any off_t
        };
        std::vector<std::string> commands;
        for (const auto& r : ranges) {
            commands.push_back("write:" + r + ":3");
            commands.push_back("read:" + r);
        }
        RunResult r = run_probe(probe(), b, {"--block:disk=" + disk}, commands);
        CHECK(r.exit_code == 0);
        for (const auto& c : commands) {
            INFO(c);
            CHECK(result_of(r, c) == "EINVAL");
        }
        CHECK(read_bytes(disk) == before);
    });
}

TEST_CASE("blk: a read-only device refuses writes with EROFS, still reads, and its file is unchanged") {
    for_each_backend("blk read-only", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        Bytes before(32 << 10);
        for (size_t i = 0; i < before.size(); ++i) before[i] = pattern(i, 4);
        write_bytes(disk, before);
        ::chmod(disk.c_str(), 0444);  // a read-only file is fine for --block-ro
        RunResult r = run_probe(probe(), b, {"--block-ro:disk=" + disk},
                          {"info", "verify:0:32768:4", "write:0:512:1", "write:4096:8192:1", "write:0:0:1",
                           "flush"});
        CHECK(r.exit_code == 0);
        CHECK(line_of(r, "info") == "OK sector=512 capacity=32768 ro=1");
        CHECK(result_of(r, "verify:0:32768:4") == "OK");
        CHECK(result_of(r, "write:0:512:1") == "EROFS");
        CHECK(result_of(r, "write:4096:8192:1") == "EROFS");
        CHECK(result_of(r, "write:0:0:1") == "EINVAL");  // a bad request is still EINVAL
        CHECK(result_of(r, "flush") == "OK");
        CHECK(read_bytes(disk) == before);
    });
}

TEST_CASE("blk: a handle that names no blk device gets EBADF") {
    for_each_backend("blk bad handle", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        Bytes before = noise(8 << 10);
        write_bytes(disk, before);
        std::vector<std::string> commands;
        for (const char* h : {"1", "15", "16", "0x100000000", "0xffffffffffffffff"}) {
            commands.push_back(std::string("handle:") + h);
            for (const char* c : {"info", "read:0:512", "write:0:512:1", "flush"}) commands.push_back(c);
        }
        RunResult r = run_probe(probe(), b, {"--block:disk=" + disk}, commands);
        CHECK(r.exit_code == 0);
        std::istringstream lines(r.out);
        int ebadf = 0;
        for (std::string line; std::getline(lines, line);)
            if (line.rfind("handle:", 0) != 0) {
                INFO(line);
                CHECK(line.find(": EBADF") != std::string::npos);
                ++ebadf;
            }
        CHECK(ebadf == 5 * 4);
        CHECK(read_bytes(disk) == before);
    });
}

namespace {

// A TAP interface for the test's lifetime (needs CAP_NET_ADMIN); `why` says why not.
class TempTap {
public:
    TempTap() : name_("ukblk" + std::to_string(::getpid() % 100000)) {
        RunResult r = run("ip", {"tuntap", "add", "dev", name_, "mode", "tap"});
        if (r.exit_code != 0) why_ = "cannot create a TAP interface (ip tuntap add: " + r.err.substr(0, r.err.find('\n')) + ")";
    }
    ~TempTap() {
        if (why_.empty()) run("ip", {"tuntap", "del", "dev", name_, "mode", "tap"});
    }
    TempTap(const TempTap&) = delete;
    TempTap& operator=(const TempTap&) = delete;
    const std::string& name() const { return name_; }
    const std::string& why() const { return why_; }

private:
    std::string name_, why_;
};

}  // namespace

TEST_CASE("blk: a net device's handle gets EBADF from every blk call") {
    TempTap tap;
    if (!tap.why().empty()) {
        std::printf("SKIP: blk net handle: %s\n", tap.why().c_str());
        return;
    }
    for_each_backend("blk net handle", [&](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        Bytes before = noise(4 << 10);
        write_bytes(disk, before);
        RunResult r = run_probe(with_net(), b, {"--net:service=" + tap.name(), "--block:disk=" + disk},
                          {"net:service", "info", "read:0:512", "write:0:512:1", "flush", "dev:disk", "verify:0:512:1"});
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
        CHECK(result_of(r, "net:service") == "OK");
        for (const char* c : {"info", "read:0:512", "write:0:512:1", "flush"}) {
            INFO(c);
            CHECK(result_of(r, c) == "EBADF");
        }
        CHECK(result_of(r, "dev:disk") == "OK");
        CHECK(result_of(r, "verify:0:512:1") == "MISMATCH");  // the disk itself is still served
        CHECK(read_bytes(disk) == before);
    });
}

TEST_CASE("blk: each declared device's handle reaches its own file") {
    for_each_backend("blk two devices", [](const std::string& b) {
        TempDir dir;
        std::string one = dir / "one.img", two = dir / "two.img";
        write_bytes(one, Bytes(16 << 10, 0));
        write_bytes(two, Bytes(8 << 10, 0));
        RunResult r = run_probe(pair(), b, {"--block:first=" + one, "--block-ro:second=" + two},
                          {"dev:first", "info", "write:0:16384:1", "dev:second", "info", "write:0:512:2",
                           "verify:0:8192:2"});
        CHECK(r.exit_code == 0);
        // Handles are manifest positions; which note comes first is the compiler's choice.
        std::string h1 = line_of(r, "dev:first"), h2 = line_of(r, "dev:second");
        CHECK(((h1 == "OK handle=0" && h2 == "OK handle=1") || (h1 == "OK handle=1" && h2 == "OK handle=0")));
        CHECK(result_of(r, "write:0:16384:1") == "OK");
        CHECK(result_of(r, "write:0:512:2") == "EROFS");
        CHECK(result_of(r, "verify:0:8192:2") == "MISMATCH");  // zeros, not seed 2
        CHECK(matches_pattern(read_bytes(one), 0, 16 << 10, 1));
        CHECK(read_bytes(two) == Bytes(8 << 10, 0));
    });
}

TEST_CASE("blk: a data pointer outside guest memory gets EFAULT and the file is unchanged") {
    for_each_backend("blk bad data pointer", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        Bytes before = noise(8 << 10);
        write_bytes(disk, before);
        const std::vector<std::string> commands = {
            "readat:0x3fffe00:1024",             // runs past the end of 64M of guest memory
            "writeat:0x3fffe00:1024",
            "readat:0x4000000:512",              // just past the end
            "readat:0xffffffffffffff00:512",     // wraps around
            "writeat:0xffffffffffffff00:512",
            "readat:0x7ffff7000000:512",         // where a host process keeps its stack / libraries
            "writeat:0x7ffff7000000:512",
        };
        RunResult r = run_probe(probe(), b, {"--mem=64M", "--block:disk=" + disk}, commands);
        CHECK(r.exit_code == 0);
        for (const auto& c : commands) {
            INFO(c);
            CHECK(result_of(r, c) == "EFAULT");
        }
        CHECK(read_bytes(disk) == before);
    });
}

TEST_CASE("blk: an argument struct outside guest memory ends the run as a guest crash") {
    for_each_backend("blk bad argument struct", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        Bytes before = noise(4 << 10);
        write_bytes(disk, before);
        for (const char* nr : {"3", "4", "5", "10"}) {  // blkinfo, blkwrite, blkread, blkflush
            std::string cmd = std::string("rawarg:") + nr + ":0xffffffff00000000";
            RunResult r = run_probe(probe(), b, {"--block:disk=" + disk}, {cmd});
            INFO(cmd << "\nstderr: " << r.err);
            CHECK(r.exit_code == 255);
            CHECK(result_of(r, cmd) == "calling");
            CHECK(r.out.find("RETURNED") == std::string::npos);
            CHECK(r.err.find("outside guest memory") != std::string::npos);
        }
        CHECK(read_bytes(disk) == before);
    });
}

TEST_CASE("blk: attach errors exit 252 with one line naming the device or the file") {
    for_each_backend("blk attach errors", [](const std::string& b) {
        TempDir dir;
        std::string good = dir / "good.img", odd = dir / "odd.img", empty = dir / "empty.img";
        write_bytes(good, Bytes(4096, 0));
        write_bytes(odd, Bytes(1000, 0));
        write_bytes(empty, Bytes());
        struct Case {
            std::string exe;
            std::vector<std::string> options;
            std::string expect;  // a phrase the one line must contain
        };
        const std::vector<Case> cases = {
            {probe(), {"--block:disk=" + dir / "missing.img"}, "missing.img' does not exist"},
            {probe(), {"--block:disk=" + odd}, "is 1000 bytes, not a multiple of the 512-byte sector size"},
            {probe(), {"--block:disk=" + empty}, "empty.img' is empty"},
            {probe(), {"--block:disk=" + dir.path()}, "is not a regular file"},
            {probe(), {"--block-ro:disk=" + dir.path()}, "is not a regular file"},
            {probe(), {"--block:disk=" + good, "--block:other=" + good}, "declares no blk device named 'other'"},
            {probe(), {}, "blk device 'disk' is declared by the guest but not attached: add --block:disk=FILE"},
            {probe(), {"--block:disk=" + good, "--block-ro:disk=" + good}, "blk device 'disk' is attached twice"},
            {probe(), {"--block:disk"}, "names no file"},
            {pair(), {"--block:first=" + good}, "blk device 'second' is declared by the guest but not attached"},
        };
        Bytes before = read_bytes(good);
        for (const Case& c : cases) {
            RunResult r = run_probe(c.exe, b, c.options, {"write:0:4096:1"});
            INFO(c.expect << "\nstderr: " << r.err);
            CHECK(r.exit_code == 252);
            CHECK(one_line(r.err));
            CHECK(r.err.find(c.expect) != std::string::npos);
            CHECK(r.out.empty());  // the guest never ran
        }
        CHECK(read_bytes(good) == before);
    });
}

TEST_CASE("blk: a read-write attach of a file we may not write is refused, pointing to --block-ro") {
    if (::geteuid() == 0) {
        std::printf("SKIP: blk read-only file attached read-write: running as root, which may write any file\n");
        return;
    }
    for_each_backend("blk rw attach of a read-only file", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, Bytes(4096, 0));
        ::chmod(disk.c_str(), 0444);
        RunResult r = run_probe(probe(), b, {"--block:disk=" + disk}, {"info"});
        CHECK(r.exit_code == 252);
        CHECK(one_line(r.err));
        CHECK(r.err.find("--block-ro:disk=FILE") != std::string::npos);
    });
}

// ---- linking: only guests that declare a disk carry the module -----------------------------

TEST_CASE("blk: hello carries no blk module code, blkstore does") {
    // Baked executables are stripped by default: bake both again with their symbols.
    TempDir dir;
    auto count = [&](const std::string& name) {
        std::string exe = dir / name;
        RunResult bake = run(build_dir() + "/bin/ukbake",
                       {"--keep-symbols", build_dir() + "/examples/" + name + ".elf", "-o", exe});
        INFO(bake.err);
        REQUIRE(bake.exit_code == 0);
        RunResult r = run("nm", {"-C", exe});
        REQUIRE(r.exit_code == 0);
        int n = 0;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);) n += line.find("ukmon::blk::") != std::string::npos;
        return n;
    };
    CHECK(count("hello") == 0);
    CHECK(count("blkstore") > 0);
    // The module's strings travel with its code, stripped or not.
    CHECK(slurp(build_dir() + "/hello").find("--block:NAME=FILE") == std::string::npos);
    CHECK(slurp(blkstore()).find("--block:NAME=FILE") != std::string::npos);
    RunResult help = run(build_dir() + "/hello", {"--help"});
    CHECK(help.out.find("--block") == std::string::npos);
    help = run(blkstore(), {"--help"});
    CHECK(help.out.find("--block:NAME=FILE") != std::string::npos);
    CHECK(help.out.find("--block-ro:NAME=FILE") != std::string::npos);
}

// ---- blkstore ------------------------------------------------------------------------------

namespace {

RunResult store(const std::string& backend, const std::string& disk, std::vector<std::string> args,
          const char* option = "--block:storage=") {
    return ukmon_test::run_on(blkstore(), backend, {option + disk}, args);
}

}  // namespace

TEST_CASE("blkstore: put, get, list and del survive restarts") {
    for_each_backend("blkstore across restarts", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, Bytes(1 << 20, 0));

        RunResult r = store(b, disk, {"list"});  // formats the zeroed disk
        CHECK(r.exit_code == 0);
        CHECK(r.out == "");
        CHECK(std::memcmp(read_bytes(disk).data(), "UKMONKV1", 8) == 0);

        CHECK(store(b, disk, {"put", "alpha", "first value"}).exit_code == 0);
        CHECK(store(b, disk, {"put", "beta", "2"}).exit_code == 0);
        CHECK(store(b, disk, {"put", "gamma", ""}).exit_code == 0);
        r = store(b, disk, {"get", "alpha"});
        CHECK(r.exit_code == 0);
        CHECK(r.out == "first value\n");
        CHECK(store(b, disk, {"put", "alpha", "replaced"}).exit_code == 0);
        CHECK(store(b, disk, {"get", "alpha"}).out == "replaced\n");
        CHECK(store(b, disk, {"get", "gamma"}).out == "\n");
        CHECK(store(b, disk, {"list"}).out == "alpha\nbeta\ngamma\n");

        r = store(b, disk, {"get", "delta"});
        CHECK(r.exit_code == 1);
        CHECK(r.out.find("no key 'delta'") != std::string::npos);

        CHECK(store(b, disk, {"del", "beta"}).exit_code == 0);
        CHECK(store(b, disk, {"get", "beta"}).exit_code == 1);
        CHECK(store(b, disk, {"del", "beta"}).exit_code == 1);
        CHECK(store(b, disk, {"list"}).out == "alpha\ngamma\n");
        CHECK(store(b, disk, {"put", "epsilon", "reuses a slot"}).exit_code == 0);
        CHECK(store(b, disk, {"list"}).out == "alpha\nepsilon\ngamma\n");

        // Read-only: reads work, changes are refused, the file stays as it was.
        Bytes before = read_bytes(disk);
        CHECK(store(b, disk, {"get", "epsilon"}, "--block-ro:storage=").out == "reuses a slot\n");
        CHECK(store(b, disk, {"put", "x", "y"}, "--block-ro:storage=").exit_code == 4);
        CHECK(read_bytes(disk) == before);

        CHECK(store(b, disk, {"frobnicate"}).exit_code == 64);
        CHECK(store(b, disk, {"put", std::string(65, 'k'), "v"}).exit_code == 64);
        CHECK(store(b, disk, {"put", "k", std::string(433, 'v')}).exit_code == 64);
        CHECK(store(b, disk, {"put", std::string(64, 'k'), std::string(432, 'v')}).exit_code == 0);
        CHECK(store(b, disk, {"get", std::string(64, 'k')}).out == std::string(432, 'v') + "\n");
    });
}

TEST_CASE("blkstore: a zeroed read-only disk is an empty store, not an error") {
    for_each_backend("blkstore zeroed read-only disk", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, Bytes(64 << 10, 0));
        CHECK(store(b, disk, {"list"}, "--block-ro:storage=").exit_code == 0);
        CHECK(store(b, disk, {"get", "k"}, "--block-ro:storage=").exit_code == 1);
        CHECK(read_bytes(disk) == Bytes(64 << 10, 0));
    });
}

TEST_CASE("blkstore: a full store and a too-small disk are refused with exit 3") {
    for_each_backend("blkstore full", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, Bytes(3 * 512, 0));  // a header and two slots
        CHECK(store(b, disk, {"put", "a", "1"}).exit_code == 0);
        CHECK(store(b, disk, {"put", "b", "2"}).exit_code == 0);
        RunResult r = store(b, disk, {"put", "c", "3"});
        CHECK(r.exit_code == 3);
        CHECK(r.out.find("full") != std::string::npos);
        CHECK(store(b, disk, {"put", "a", "replacing still works"}).exit_code == 0);

        std::string tiny = dir / "tiny.img";
        write_bytes(tiny, Bytes(512, 0));
        CHECK(store(b, tiny, {"list"}).exit_code == 3);
    });
}

TEST_CASE("blkstore: a corrupt disk gives a clear error and exit 2, never garbage") {
    for_each_backend("blkstore corrupt disk", [](const std::string& b) {
        TempDir dir;
        std::string disk = dir / "disk.img";
        write_bytes(disk, Bytes(64 << 10, 0));
        REQUIRE(store(b, disk, {"put", "key", "value"}).exit_code == 0);
        const Bytes good = read_bytes(disk);

        struct Damage {
            const char* what;
            size_t offset;
            unsigned char xor_with;
            const char* expect;
        };
        const std::vector<Damage> damages = {
            {"magic", 0, 0x20, "bad magic"},
            {"header field", 12, 0x01, "header checksum"},
            {"header padding", 300, 0x80, "header checksum"},
            {"record value", 512 + 80, 0x01, "slot 0"},
            {"record magic", 512, 0xff, "slot 0"},
            {"free slot", 1024 + 7, 0x10, "slot 1"},  // found by list; get stops at the key
        };
        for (const Damage& d : damages) {
            Bytes bad = good;
            bad[d.offset] ^= d.xor_with;
            write_bytes(disk, bad);
            for (const char* cmd : {"list", "get"}) {
                if (d.offset >= 1024 && std::string(cmd) == "get") continue;
                std::vector<std::string> args = {cmd};
                if (std::string(cmd) == "get") args.push_back("key");
                RunResult r = store(b, disk, args);
                INFO(d.what << ", " << cmd << ": " << r.out);
                CHECK(r.exit_code == 2);
                CHECK(r.out.find("corrupt") != std::string::npos);
                CHECK(r.out.find(d.expect) != std::string::npos);
                CHECK(r.out.find("value") == std::string::npos);
                CHECK(read_bytes(disk) == bad);  // never "repaired" by reformatting
            }
        }
        Bytes garbage = noise(64 << 10);
        write_bytes(disk, garbage);
        RunResult r = store(b, disk, {"put", "k", "v"});
        CHECK(r.exit_code == 2);
        CHECK(read_bytes(disk) == garbage);
    });
}
