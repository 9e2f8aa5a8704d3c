// Unit tests that need a real guest ELF read it from the build tree: $UKMON_BUILD (set by
// tests/run-all; default "build") + a relative path such as "examples/hello.elf".
#pragma once
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace ukmon_test {

inline std::string build_dir() {
    const char* b = std::getenv("UKMON_BUILD");
    return b && *b ? b : "build";
}

// The file's bytes; fails the test (with the path) if it cannot be read.
inline std::vector<std::byte> read_build_file(const std::string& relative) {
    std::string path = build_dir() + "/" + relative;
    std::ifstream in(path, std::ios::binary);
    INFO("reading " << path << " (set UKMON_BUILD to the build directory)");
    REQUIRE(in.good());
    std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(!chars.empty());
    std::vector<std::byte> bytes(chars.size());
    for (size_t i = 0; i < chars.size(); ++i) bytes[i] = std::byte(chars[i]);
    return bytes;
}

inline std::vector<std::byte> hello_elf() { return read_build_file("examples/hello.elf"); }

}  // namespace ukmon_test
