// ReportFile: a report never follows a symlink, never opens a FIFO or device, never lands on a
// disk's file, and its atomic write leaves the old file or the whole new one.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "monitor/error.hpp"
#include "monitor/report_file.hpp"

using namespace ukmon;
namespace fs = std::filesystem;

namespace {

struct Dir {
    std::string path;
    Dir() {
        char tmpl[] = "/tmp/ukmon-report-test.XXXXXX";
        REQUIRE(::mkdtemp(tmpl));
        path = tmpl;
    }
    ~Dir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    size_t entries() const { return size_t(std::distance(fs::directory_iterator(path), fs::directory_iterator())); }
};

void put(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }
std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string refusal(const std::string& path, std::vector<std::string> devices = {}) {
    try {
        ReportFile::prepare("--stats", path, devices);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("report file: an absent file is created whole by the atomic write, with no temporary file left") {
    Dir d;
    ReportFile r = ReportFile::prepare("--stats", d / "s.json", {});
    CHECK(d.entries() == 0);  // prepare writes nothing
    REQUIRE(r.write_atomically("{\"a\": 1}\n"));
    CHECK(slurp(d / "s.json") == "{\"a\": 1}\n");
    CHECK(d.entries() == 1);
}

TEST_CASE("report file: an existing regular file is replaced whole, not truncated at start-up") {
    Dir d;
    put(d / "s.json", "old report, longer than the new one");
    ReportFile r = ReportFile::prepare("--stats", d / "s.json", {});
    CHECK(slurp(d / "s.json") == "old report, longer than the new one");
    REQUIRE(r.write_atomically("new"));
    CHECK(slurp(d / "s.json") == "new");
    CHECK(d.entries() == 1);
}

TEST_CASE("report file: a symbolic link is refused and its target untouched, at prepare and at open") {
    Dir d;
    put(d / "target", "precious");
    fs::create_symlink(d / "target", d / "link");
    CHECK(refusal(d / "link") == "--stats=" + d / "link" + ": is a symbolic link (give the file's own path)");
    // A link swapped in after the check: open_in_place does not follow it either.
    ReportFile r = ReportFile::prepare("--stats", d / "later", {});
    fs::create_symlink(d / "target", d / "later");
    CHECK_THROWS_AS(r.open_in_place(), UsageError);
    CHECK(slurp(d / "target") == "precious");
}

TEST_CASE("report file: a FIFO, a directory or a device is refused without being opened (nothing hangs)") {
    Dir d;
    REQUIRE(::mkfifo((d / "fifo").c_str(), 0600) == 0);
    CHECK(refusal(d / "fifo") == "--stats=" + d / "fifo" + ": is not a regular file");
    fs::create_directory(d / "sub");
    CHECK(refusal(d / "sub") == "--stats=" + d / "sub" + ": is a directory");
    CHECK(refusal(d / "sub/") == "--stats=" + d / "sub/" + ": names a directory, not a file");
    CHECK(refusal("/dev/null") == "--stats=/dev/null: is not a regular file");
    CHECK(refusal(d / "none/s.json").starts_with("--stats=" + d / "none/s.json" + ": its directory cannot be opened: "));
}

TEST_CASE("report file: the file of an attached device is refused, however it is spelt or linked") {
    Dir d;
    put(d / "disk.img", std::string(4096, 'D'));
    fs::create_hard_link(d / "disk.img", d / "alias.img");
    const std::string why = ": is a file attached as a device; a report would overwrite it";
    CHECK(refusal(d / "disk.img", {d / "disk.img"}) == "--stats=" + d / "disk.img" + why);
    CHECK(refusal(d / "./disk.img", {d / "disk.img"}) == "--stats=" + d / "./disk.img" + why);
    CHECK(refusal(d / "alias.img", {d / "disk.img"}) == "--stats=" + d / "alias.img" + why);
    CHECK(refusal(d / "other.img", {d / "disk.img", "tap0"}) == "");
    CHECK(slurp(d / "disk.img") == std::string(4096, 'D'));
}

TEST_CASE("report file: open_in_place empties a regular file only after checking the open fd") {
    Dir d;
    put(d / "s.json", "old");
    ReportFile r = ReportFile::prepare("--stats", d / "s.json", {});
    UniqueFd fd = r.open_in_place();
    REQUIRE(fd);
    CHECK(fs::file_size(d / "s.json") == 0);
    // Replaced by a FIFO after the check: refused, and no hang (O_NONBLOCK, then fstat).
    fs::remove(d / "s.json");
    REQUIRE(::mkfifo((d / "s.json").c_str(), 0600) == 0);
    CHECK_THROWS_AS(r.open_in_place(), UsageError);
}
