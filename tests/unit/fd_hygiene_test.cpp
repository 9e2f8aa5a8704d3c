// fds_named_by_options: which inherited fds survive start-up (--WORD:NAME=@N among the
// options, N > 2), so that a TAP fd handed down as to Solo5's tenders reaches its module.
#include <doctest/doctest.h>

#include <string_view>
#include <vector>

#include "monitor/fd_hygiene.hpp"

using ukmon::fds_named_by_options;

namespace {
std::vector<int> named(std::vector<std::string_view> args) { return fds_named_by_options(args); }
}  // namespace

TEST_CASE("an inherited fd is kept only when a device option names it with @N, among the options") {
    CHECK(named({"--net:service=@5"}) == std::vector<int>{5});
    CHECK(named({"--net:b=@9", "--mem=64M", "--net:a=@4"}) == std::vector<int>{4, 9});
    CHECK(named({"--net:service=@0", "--net:x=@2"}).empty());             // stdio is never "kept"
    CHECK(named({"--net:service=tap0", "--block:d=@x"}).empty());         // not a number
    CHECK(named({"--net:service=@1234567"}).empty());                     // not a plausible fd
    CHECK(named({"--", "--net:service=@5"}).empty());                     // a guest argument
    CHECK(named({"kernel.spt", "--net:service=@5"}).empty());             // after KERNEL: the guest's
    CHECK(named({"--stats=@5"}).empty());                                 // not a device option
}
