// The guest runtime (docs/runtime.md): newlib and C++ against the host's glibc and
// libstdc++, the errno a unikernel gives for what it lacks, entropy through the random
// hypercall, the guest toolchain, and the README's own guest built as written.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/harness.hpp"

using namespace ukmon_test;

namespace {

using Lines = std::vector<std::string>;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// The same source built for the host: a guest's console carries stdout and then stderr.
void check_conformance(const std::string& name) {
    RunResult host = run({build_dir() + "/tests/host/" + name});
    check_exit(host, 0);
    REQUIRE(contains(host.out, "\n"));
    for_each_backend(name, [&](const std::string& b) {
        RunResult g = run_on(guest_exe(name), b);
        check_exit(g, 0);
        INFO("host stdout+stderr:\n" << host.out + host.err << "\nguest console:\n" << g.out);
        CHECK(g.out == host.out + host.err);
    });
}

Lines with_prefix(const Lines& lines, const std::string& prefix) {
    Lines out;
    for (const auto& l : lines)
        if (starts_with(l, prefix)) out.push_back(l.substr(prefix.size()));
    return out;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot read " << path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct Block {
    std::string lang, text;
};

// The fenced code blocks of one "## " section of a Markdown file, in order.
std::vector<Block> section_blocks(const std::string& markdown, const std::string& heading) {
    auto start = markdown.find("\n## " + heading + "\n");
    REQUIRE_MESSAGE(start != std::string::npos, "no section '" << heading << "'");
    auto end = markdown.find("\n## ", start + 1);
    std::istringstream in(markdown.substr(start, end == std::string::npos ? std::string::npos : end - start));
    std::vector<Block> blocks;
    std::string line;
    Block* open = nullptr;
    while (std::getline(in, line)) {
        if (open == nullptr && starts_with(line, "```")) {
            blocks.push_back({line.substr(3), ""});
            open = &blocks.back();
        } else if (open != nullptr && line == "```") {
            open = nullptr;
        } else if (open != nullptr) {
            open->text += line + "\n";
        }
    }
    REQUIRE_MESSAGE(open == nullptr, "an unclosed code block in '" << heading << "'");
    return blocks;
}

// The file a source block names in its first line: "/* app.c */" or "// words.cpp".
std::string named_file(const std::string& text) {
    std::string first = text.substr(0, text.find('\n'));
    for (const char* mark : {"/*", "*/", "//"})
        if (auto at = first.find(mark); at != std::string::npos) first.replace(at, 2, "");
    first.erase(0, first.find_first_not_of(' '));
    first.erase(first.find_last_not_of(' ') + 1);
    return first;
}

std::string repo_file(const std::string& name) {
    if (std::filesystem::exists(name)) return name;
    return std::filesystem::path(build_dir()).parent_path() / name;  // tests run from the tree
}

}  // namespace

// ==== conformance =========================================================================

TEST_CASE("conformance: a C program prints byte for byte what it prints against glibc") {
    check_conformance("conformance_c");
}

TEST_CASE("conformance: a C++ program prints byte for byte what it prints against libstdc++") {
    check_conformance("conformance_cxx");
}

// ==== what a unikernel lacks, and how a guest ends =============================================

TEST_CASE("runtime: files, processes and other fds fail with errno; heap, clocks, sleep and signals work") {
    for_each_backend("posix stubs", [](const std::string& b) {
        RunResult r = run_on(guest_exe("posix_stubs"), b, {}, {"exit"});
        check_exit(r, 3);  // exit(3) after the atexit handler, not a crash
        INFO(r.describe());
        Lines lines = r.out_lines();
        REQUIRE(lines.size() >= 10);
        for (size_t i = 0; i + 1 < lines.size(); ++i) CHECK(contains(lines[i], ": ok"));
        CHECK(lines.back() == "atexit handler ran, failures 0");
    });
}

TEST_CASE("runtime: a failed assert and abort() end the run with 134 and say why") {
    for_each_backend("assert and abort", [](const std::string& b) {
        RunResult a = run_on(guest_exe("posix_stubs"), b, {}, {"assert"});
        check_exit(a, 134);
        CHECK(contains(a.out, "assertion \"failures < 0 && \"a failing assert\"\" failed"));
        CHECK(contains(a.out, "guest: killed by signal 6"));
        CHECK(!contains(a.out, "atexit handler ran"));  // abort skips atexit, as C says
        RunResult ab = run_on(guest_exe("posix_stubs"), b, {}, {"abort"});
        check_exit(ab, 134);
        CHECK(contains(ab.out, "guest: killed by signal 6"));
    });
}

// ==== entropy ==============================================================================

TEST_CASE("entropy: two runs print different getentropy bytes, and no block reaches a guest twice") {
    for_each_backend("entropy bytes", [](const std::string& b) {
        std::set<std::string> seen;
        size_t total = 0;
        for (int run_no = 0; run_no < 2; ++run_no) {
            RunResult r = run_on(guest_exe("entropy"), b, {}, {"bytes"});
            check_exit(r, 0);
            INFO(r.describe());
            CHECK(contains(r.out, "no block repeats within the run: ok"));
            Lines blocks = with_prefix(r.out_lines(), "block ");
            REQUIRE(blocks.size() == 16);
            for (const auto& hex : blocks) {
                CHECK(hex.size() == 64);
                CHECK(hex != std::string(64, '0'));
                seen.insert(hex);
            }
            total += blocks.size();
        }
        CHECK(seen.size() == total);  // across both runs too
    });
}

TEST_CASE("entropy: bad buffers and lengths get EINVAL or EFAULT from the random hypercall") {
    for_each_backend("entropy hostile", [](const std::string& b) {
        RunResult r = run_on(guest_exe("entropy"), b, {}, {"hostile"});
        check_exit(r, 0);
        INFO(r.describe());
        Lines lines = r.out_lines();
        CHECK(lines.size() == 10);
        for (const auto& l : lines) CHECK(contains(l, ": ok"));
    });
}

TEST_CASE("entropy: a seccomp guest may call getrandom itself only with flags 0 and fewer than 512 bytes") {
    for_each_backend("raw getrandom", [](const std::string& b) {
        RunResult ok = run_on(guest_exe("entropy"), b, {}, {"raw", "0", "16"});
        check_exit(ok, 0);
        CHECK(contains(ok.out, "returned 16"));
        for (Lines args : {Lines{"raw", "2", "16"} /* GRND_RANDOM */, Lines{"raw", "1", "16"} /* NONBLOCK */,
                           Lines{"raw", "0", "4096"}, Lines{"raw", "0", "512"}}) {
            RunResult r = run_on(guest_exe("entropy"), b, {}, args);
            CAPTURE(args[1]);
            CAPTURE(args[2]);
            check_exit(r, 254);
            CHECK(contains(r.err, "forbidden system call getrandom"));
            CHECK(!contains(r.out, "returned"));
        }
    }, {"seccomp"});
}

// ==== the guest toolchain and the README =========================================================

TEST_CASE("README: every code block of 'Writing your own unikernel' builds and runs as written") {
    // The README runs its guests with the default backend (auto): kvm, else seccomp.
    auto no_kvm = backend_unavailable("kvm"), no_seccomp = backend_unavailable("seccomp");
    if (no_kvm && no_seccomp) {
        std::printf("SKIP: README guest: no backend runs here: %s; %s\n", no_kvm->c_str(), no_seccomp->c_str());
        return;
    }
    auto blocks = section_blocks(read_text(repo_file("README.md")), "Writing your own unikernel");
    TempDir dir;
    std::filesystem::create_directory_symlink(build_dir(), dir / "build");
    std::string script;
    size_t sources = 0;
    for (const auto& blk : blocks) {
        if (blk.lang == "c" || blk.lang == "cpp") {
            std::string name = named_file(blk.text);
            REQUIRE_MESSAGE(!name.empty(), "a source block must name its file in its first line");
            std::ofstream(dir / name) << blk.text;
            ++sources;
        } else if (blk.lang == "sh") {
            script += blk.text;
        }
    }
    CHECK(sources >= 2);
    REQUIRE(!script.empty());
    std::ofstream(dir / "readme.sh") << "set -e\n" << script;
    RunOptions opt;
    opt.cwd = dir.path();
    opt.timeout = std::chrono::milliseconds(120000);
    RunResult r = run({"bash", dir / "readme.sh"}, opt);
    INFO(r.describe());
    check_exit(r, 0);
    CHECK(contains(r.out, "hello from "));
    CHECK(contains(r.out, ": 2 arguments, sqrt(2) = 1.414214"));
    CHECK(contains(r.out, "monitor 2\nunikernel 1\n"));
}

TEST_CASE("ukmon-c++: what the runtime cannot give fails at build time, naming it") {
    TempDir dir;
    struct Case {
        const char* what;
        const char* source;
        const char* named;
    };
    for (const Case& c : {Case{"iostreams", "#include <iostream>\nint main() { std::cout << 1; }\n", "std::cout"},
                          Case{"thread_local", "thread_local int n;\nint main() { return n++; }\n",
                               "thread-local storage"},
                          Case{"long double libm", "#include <cmath>\nint main(int c, char**) { return (int)std::cbrt((long double)c); }\n",
                               "cbrtl"},
                          Case{"regex (the locale library)", "#include <regex>\nint main() { return 0; }\n",
                               "need libstdc++'s locale library"},
                          Case{"threads", "#include <thread>\nint main() { std::thread t([] {}); t.join(); }\n",
                               "std::thread"}}) {
        CAPTURE(c.what);
        std::string src = dir / "bad.cpp";
        std::ofstream(src) << c.source;
        RunResult r = run({build_dir() + "/bin/ukmon-c++", "-O2", "-o", dir / "bad.elf", src});
        INFO(r.describe());
        CHECK(r.exited);
        CHECK(r.exit_code != 0);
        CHECK(contains(r.err, c.named));
        CHECK(!std::filesystem::exists(dir / "bad.elf"));
    }
}

TEST_CASE("ukmon-cc: a guest built outside the tree with pkg-config flags runs") {
    TempDir dir;
    std::ofstream(dir / "g.c") << "#include <stdio.h>\n#include <string.h>\n"
                                  "int main(void) { printf(\"%zu\\n\", strlen(\"pkg-config\")); return 5; }\n";
    std::string pc = build_dir() + "/guest-runtime/pkgconfig";
    RunOptions opt;
    opt.cwd = dir.path();
    RunResult r = run({"sh", "-c",
                       "set -e; export PKG_CONFIG_PATH=" + pc + "; "
                       "cc $(pkg-config --cflags ukmon-guest) -O2 -c g.c -o g.o; "
                       "cc g.o $(pkg-config --libs ukmon-guest) -o g.elf; " +
                       build_dir() + "/bin/ukbake g.elf -o g"},
                      opt);
    INFO(r.describe());
    check_exit(r, 0);
    for_each_backend("pkg-config guest", [&](const std::string& b) {
        RunResult g = run_on(dir / "g", b);
        check_exit(g, 5);
        CHECK(g.out == "10\n");
    });
}

TEST_CASE("examples/wordfreq: a C++ guest mixed with C, built by make build/NAME, runs on each backend") {
    for_each_backend("wordfreq", [](const std::string& b) {
        RunResult r = run_on(example_exe("wordfreq"), b, {}, {"The", "cat,", "the", "DOG", "and", "the", "cat!"});
        check_exit(r, 0);
        CHECK(r.out_lines() == Lines{"3 the", "2 cat", "1 and", "1 dog"});
        RunResult none = run_on(example_exe("wordfreq"), b, {}, {"--", "!!"});
        check_exit(none, 1);
        CHECK(none.out.empty());
    });
}
