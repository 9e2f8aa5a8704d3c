// Replays every kept fuzz input (tests/fuzz/corpus/<target>/*: seeds, inputs the fuzzers
// found interesting, and the reproducer of every crash ever found) through the same target
// functions libFuzzer runs, in the normal (and the SANITIZE=1) test build. A crash, a broken
// invariant or a sanitizer report ends this binary, which tests/run-all counts as a failure.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_target.hpp"

namespace ukmon_fuzz {

namespace {
std::vector<Target>& registry() {
    static std::vector<Target> targets;
    return targets;
}
}  // namespace

int register_target(const Target& t) {
    registry().push_back(t);
    return int(registry().size());
}

const Target* find_target(const char* name) {
    for (const Target& t : registry())
        if (std::strcmp(t.name, name) == 0) return &t;
    return nullptr;
}

}  // namespace ukmon_fuzz

namespace {

namespace fs = std::filesystem;

// The corpus directory: $UKMON_SOURCE/tests/fuzz/corpus/NAME, or relative to the working
// directory (make test runs from the top of the source tree).
fs::path corpus_dir(const std::string& name) {
    const char* src = std::getenv("UKMON_SOURCE");
    return fs::path(src && *src ? src : ".") / "tests/fuzz/corpus" / name;
}

void replay(const char* name) {
    const ukmon_fuzz::Target* t = ukmon_fuzz::find_target(name);
    REQUIRE_MESSAGE(t != nullptr, "no fuzz target named " << std::string(name) << " is linked in");
    fs::path dir = corpus_dir(name);
    REQUIRE_MESSAGE(fs::is_directory(dir), dir << " is missing: run from the top of the source tree");
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    CHECK_MESSAGE(!files.empty(), "the " << std::string(name) << " corpus is empty");
    if (t->init) t->init();
    for (const fs::path& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        INFO("input: " << f.string());
        t->run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    }
    std::printf("fuzz replay: %s: %zu inputs, no crash\n", name, files.size());
}

}  // namespace

TEST_CASE("fuzz corpus: every kept ELF input is refused with one line or loads within guest memory") {
    replay("elf_loader");
}

TEST_CASE("fuzz corpus: every kept command line is refused with one line or parsed within limits") {
    replay("cli");
}

TEST_CASE("fuzz corpus: every kept hypercall sequence returns a status or ends the run, never writing read-only guest memory") {
    replay("dispatcher");
}

TEST_CASE("fuzz corpus: every kept guest-process report is refused or checked into a whole, escaped --stats report") {
    replay("guest_report");
}
