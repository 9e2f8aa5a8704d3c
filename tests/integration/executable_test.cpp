// The baked executable as a whole: bad flags are one-line usage errors (252), it is static,
// and it runs from anywhere (it carries its guest inside).
#include <doctest/doctest.h>
#include <elf.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

// A usage error: exit 252, nothing on stdout, exactly one line on stderr containing `part`.
void check_usage_error(const std::vector<std::string>& flags, const std::string& part) {
    std::vector<std::string> argv{example_exe("hello")};
    argv.insert(argv.end(), flags.begin(), flags.end());
    RunResult r = run(argv);
    INFO(r.describe());
    CHECK(r.exited);
    CHECK(r.exit_code == 252);
    CHECK(r.out == "");
    CHECK(r.err_lines().size() == 1);
    CHECK(!r.err.empty());
    CHECK(r.err.back() == '\n');
    CHECK(r.err.find(part) != std::string::npos);
}

}  // namespace

TEST_CASE("an unknown flag exits 252 with one line naming it") {
    check_usage_error({"--frobnicate"}, "'--frobnicate'");
    check_usage_error({"-x"}, "'-x'");
}

TEST_CASE("a bad --backend value exits 252 with one line listing the choices") {
    check_usage_error({"--backend=xen"}, "kvm, seccomp or auto");
}

TEST_CASE("--mem=3M exits 252 with one line, before anything boots") {
    check_usage_error({"--mem=3M"}, "3M");
    check_usage_error({"--mem=5M"}, "not a multiple of 2M");
    check_usage_error({"--mem=8G"}, "4G");
    check_usage_error({"--mem=99999999999999999999G"}, "99999999999999999999G");
}

TEST_CASE("a device option for a device the guest cannot have exits 252") {
    check_usage_error({"--net:service=tap0"}, "--net");
    check_usage_error({"--block:storage=/tmp/disk"}, "--block");
}

TEST_CASE("a bare word before '--' exits 252 and points at '--'") {
    check_usage_error({"stray"}, "'--'");
}

TEST_CASE("--help prints usage to stdout and exits 0; --version names the ABI") {
    RunResult help = run({example_exe("hello"), "--help"});
    INFO(help.describe());
    CHECK(help.exit_code == 0);
    CHECK(help.out.rfind("usage: hello ", 0) == 0);
    CHECK(help.out.find("--backend=") != std::string::npos);
    CHECK(help.err == "");
    RunResult version = run({example_exe("hello"), "--version"});
    INFO(version.describe());
    CHECK(version.exit_code == 0);
    CHECK(version.out.find("guest ABI 1") != std::string::npos);
}

TEST_CASE("a baked hello is a static executable: no interpreter, ldd finds nothing to load") {
    if (const char* s = std::getenv("UKMON_SANITIZE"); s && std::string(s) == "1") {
        std::printf("SKIP: static hello: sanitizer builds link baked executables dynamically\n");
        return;
    }
    std::string exe = example_exe("hello");
    // The program headers: no PT_INTERP, no PT_DYNAMIC needing a loader.
    std::ifstream in(exe, std::ios::binary);
    REQUIRE(in.good());
    Elf64_Ehdr eh{};
    in.read(reinterpret_cast<char*>(&eh), sizeof eh);
    REQUIRE(std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        Elf64_Phdr ph{};
        in.seekg(std::streamoff(eh.e_phoff + i * sizeof ph));
        in.read(reinterpret_cast<char*>(&ph), sizeof ph);
        REQUIRE(in.good());
        CHECK(ph.p_type != PT_INTERP);
    }
    RunResult r = run({"ldd", exe});
    INFO(r.describe());
    std::string all = r.out + r.err;
    // glibc's ldd says "not a dynamic executable" for static and "statically linked" for
    // static-pie; a dynamic one lists libraries with "=>".
    CHECK((all.find("not a dynamic executable") != std::string::npos ||
           all.find("statically linked") != std::string::npos));
    CHECK(all.find("=>") == std::string::npos);
}

TEST_CASE("a baked hello copied alone to another directory runs from /") {
    namespace fs = std::filesystem;
    char dir_template[] = "/tmp/ukmon-copy-XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    struct Cleanup {
        std::string dir;
        ~Cleanup() { fs::remove_all(dir); }
    } cleanup{dir_template};
    std::string copy = std::string(dir_template) + "/hello-copy";
    fs::copy_file(example_exe("hello"), copy);
    fs::permissions(copy, fs::perms::owner_all);
    for_each_backend("hello copied to a temp dir", [&](const std::string& b) {
        // (Not `o.cwd = "/"`: GCC 12 with ASan warns -Wrestrict on that assignment, bug 105651.)
        const RunOptions from_root{.timeout = std::chrono::milliseconds(15000), .cwd = std::string("/")};
        RunResult r = run_on(copy, b, {}, {}, from_root);
        INFO(r.describe());
        CHECK(r.exit_code == 0);
        CHECK(r.out.rfind("Hello from a ukmon unikernel!\n", 0) == 0);
    });
}
