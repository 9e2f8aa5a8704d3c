// write_boot_info / check_fits: the guest gets its arguments exactly (never cut short, never
// with a smuggled NUL), inside the boot area; a --mem too small for the image is refused.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/abi/ukmon/boot_info.hpp"
#include "monitor/error.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "tests/unit/build_files.hpp"

using namespace ukmon;

namespace {

constexpr uint64_t mem_size = 8ull << 20;

struct Fixture {
    std::vector<std::byte> elf = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(elf);
    std::vector<std::byte> ram = std::vector<std::byte>(mem_size, std::byte{0xCC});
    GuestMemory mem{ram.data(), 0, mem_size};

    BootEnv params(std::vector<std::string> args, std::string program = "prog") {
        BootEnv p;
        p.mem_size = mem_size;
        p.gate = layout::gate_page;
        p.tsc_hz = 2'000'000'000;
        p.backend = UK_BACKEND_KVM;
        p.program_name = std::move(program);
        p.args = std::move(args);
        return p;
    }

    // What the guest sees: argv[0..argc) as strings, and the command line.
    struct Seen {
        uk_boot_info bi;
        std::vector<std::string> argv;
        std::string cmdline;
    };
    Seen seen(uint64_t at) {
        Seen s{mem.read<uk_boot_info>(at), {}, {}};
        const uint64_t max = layout::boot_area_end - layout::boot_area;
        for (uint64_t i = 0; i < s.bi.argc; ++i) {
            uint64_t p = mem.read<uint64_t>(s.bi.argv + 8 * i);
            CHECK(p >= layout::boot_area);
            CHECK(p < layout::boot_area_end);
            auto str = mem.read_string(p, max);
            REQUIRE(str);
            s.argv.push_back(*str);
        }
        CHECK(mem.read<uint64_t>(s.bi.argv + 8 * s.bi.argc) == 0);  // argv[argc] == NULL
        auto cmd = mem.read_string(s.bi.cmdline, max);
        REQUIRE(cmd);
        s.cmdline = *cmd;
        return s;
    }
};

}  // namespace

TEST_CASE("the boot info carries the ABI version, memory, heap, gate, clock and backend") {
    Fixture f;
    uint64_t at = write_boot_info(f.mem, f.img, {}, f.params({}));
    CHECK(at == layout::boot_area);
    auto s = f.seen(at);
    CHECK(s.bi.abi_version == UK_ABI_VERSION);
    CHECK(s.bi.backend == UK_BACKEND_KVM);
    CHECK(s.bi.mem_size == mem_size);
    CHECK(s.bi.heap_start == layout::page_up(f.img.image_end));
    CHECK(s.bi.heap_end == mem_size - layout::stack_size - layout::page);
    CHECK(s.bi.heap_start < s.bi.heap_end);
    CHECK(s.bi.tsc_hz == 2'000'000'000);
    CHECK(s.bi.hypercall_gate == layout::gate_page);
    CHECK(s.bi.device_count == 0);
    CHECK(s.bi.argc == 1);
    CHECK(s.argv == std::vector<std::string>{"prog"});
    CHECK(s.cmdline == "");
}

TEST_CASE("argv and the command line round-trip exactly, with spaces, quotes and empty args") {
    Fixture f;
    std::vector<std::string> args{"a b", "", "--x=\"q\"", "'single'", "tab\there", "-h", "--", "\xc3\xa9"};
    auto s = f.seen(write_boot_info(f.mem, f.img, {}, f.params(args, "my prog")));
    CHECK(s.bi.argc == args.size() + 1);
    std::vector<std::string> want{"my prog"};
    want.insert(want.end(), args.begin(), args.end());
    CHECK(s.argv == want);
    CHECK(s.cmdline == "a b  --x=\"q\" 'single' tab\there -h -- \xc3\xa9");
    CHECK(s.bi.argv % 8 == 0);
}

TEST_CASE("everything the boot info points at lies inside the boot area") {
    Fixture f;
    auto s = f.seen(write_boot_info(f.mem, f.img, {}, f.params({"x", "y"})));
    CHECK(s.bi.argv >= layout::boot_area + sizeof(uk_boot_info));
    CHECK(s.bi.argv + 8 * (s.bi.argc + 1) <= layout::boot_area_end);
    CHECK(s.bi.cmdline >= layout::boot_area + sizeof(uk_boot_info));
    CHECK(s.bi.cmdline + s.cmdline.size() + 1 <= layout::boot_area_end);
}

TEST_CASE("arguments that fill the boot area exactly are written whole; one byte more is refused") {
    // One argument of length L takes L+1 bytes, again in the command line, plus argv. Find the
    // largest L that fits, then check it arrived whole and that L+1 is refused, not cut.
    Fixture f;
    const uint64_t area = layout::boot_area_end - layout::boot_area - sizeof(uk_boot_info);
    uint64_t largest = 0;
    for (uint64_t len = area / 2 + 8; len > 0; --len) {
        try {
            write_boot_info(f.mem, f.img, {}, f.params({std::string(len, 'a')}, "p"));
            largest = len;
            break;
        } catch (const UsageError&) {
        }
    }
    REQUIRE(largest > area / 2 - 32);
    std::string arg(largest, 'a');
    arg.back() = 'z';  // the last byte is the one truncation would lose
    auto s = f.seen(write_boot_info(f.mem, f.img, {}, f.params({arg}, "p")));
    REQUIRE(s.argv.size() == 2);
    CHECK(s.argv[1] == arg);
    CHECK(s.cmdline == arg);
    CHECK_THROWS_AS(write_boot_info(f.mem, f.img, {}, f.params({std::string(largest + 1, 'a')}, "p")), UsageError);
}

TEST_CASE("too-long guest arguments are a UsageError that says so, never a truncated argv") {
    Fixture f;
    try {
        write_boot_info(f.mem, f.img, {}, f.params({std::string(70000, 'x')}));
        FAIL("accepted 70000 bytes of arguments");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("too long") != std::string::npos);
    }
    // Many short arguments overflow the argv array instead of the strings.
    std::vector<std::string> many(20000, "");
    CHECK_THROWS_AS(write_boot_info(f.mem, f.img, {}, f.params(many)), UsageError);
    // A huge program name too.
    CHECK_THROWS_AS(write_boot_info(f.mem, f.img, {}, f.params({}, std::string(70000, 'p'))), UsageError);
}

TEST_CASE("nothing outside the boot area is written, even when the arguments are refused") {
    Fixture f;
    CHECK_THROWS_AS(write_boot_info(f.mem, f.img, {}, f.params({std::string(70000, 'x')})), UsageError);
    bool untouched = true;
    for (uint64_t a = 0; a < mem_size; ++a)
        if (a < layout::boot_area || a >= layout::boot_area_end) untouched &= f.ram[a] == std::byte{0xCC};
    CHECK(untouched);
}

TEST_CASE("a guest argument containing a NUL byte is refused") {
    Fixture f;
    std::string with_nul("a\0b", 3);
    try {
        write_boot_info(f.mem, f.img, {}, f.params({"ok", with_nul}));
        FAIL("accepted an argument with a NUL");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("NUL") != std::string::npos);
    }
}

TEST_CASE("check_fits refuses a --mem too small for image, guard page and stack, and names --mem") {
    Fixture f;
    CHECK_NOTHROW(check_fits(f.img, 4ull << 20));
    CHECK_NOTHROW(check_fits(f.img, mem_size));
    for (uint64_t size : std::initializer_list<uint64_t>{2ull << 20, layout::stack_size + layout::page, layout::stack_size, 0,
                          layout::page_up(f.img.image_end) + layout::stack_size + layout::page}) {
        CAPTURE(size);
        try {
            check_fits(f.img, size);
            FAIL("accepted");
        } catch (const UsageError& e) {
            CHECK(std::string(e.what()).find("--mem") != std::string::npos);
        }
    }
    // The smallest size that fits leaves one heap page, then the guard page, then the stack.
    uint64_t tight = layout::page_up(f.img.image_end) + 2 * layout::page + layout::stack_size;
    CHECK_NOTHROW(check_fits(f.img, tight));
    CHECK_THROWS_AS(check_fits(f.img, tight - layout::page), UsageError);
}

TEST_CASE("check_fits refuses an image reaching 4 GiB even with the largest memory") {
    GuestImage img;
    img.image_end = max_image_end;
    CHECK_THROWS_AS(check_fits(img, 4ull << 30), UsageError);
}

TEST_CASE("load_segments copies file bytes and zeroes each segment's tail over dirty memory") {
    Fixture f;
    load_segments(f.mem, f.img);
    for (const Segment& s : f.img.segments) {
        CAPTURE(s.vaddr);
        auto m = f.mem.span(s.vaddr, s.memsz);
        bool same = true, zero = true;
        for (uint64_t i = 0; i < s.filesz; ++i) same &= m[i] == f.elf[s.file_offset + i];
        for (uint64_t i = s.filesz; i < s.memsz; ++i) zero &= m[i] == std::byte{0};
        CHECK(same);
        CHECK(zero);
    }
}
