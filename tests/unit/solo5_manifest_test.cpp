// The Solo5 personality's notes on hostile input: our own spt test guest (tests/solo5) is
// accepted with its manifest (handle = entry index, entry 0 reserved); each broken variant
// (bytes patched in place) is refused with one line naming the problem, never a crash.
#include <doctest/doctest.h>
#include <elf.h>

#include <cstring>
#include <string>
#include <vector>

#include <solo5/abi.h>
#include <ukmon/abi.h>

#include "monitor/abi/solo5/personality.hpp"
#include "monitor/error.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/personality.hpp"
#include "tests/unit/build_files.hpp"

using namespace ukmon;
using Bytes = std::vector<std::byte>;

namespace {

Bytes blk_spt() { return ukmon_test::read_build_file("tests/solo5/blk.spt"); }

template <class T>
T get(const Bytes& b, uint64_t off) {
    REQUIRE(off + sizeof(T) <= b.size());
    T v;
    std::memcpy(&v, b.data() + off, sizeof v);
    return v;
}
template <class T>
void set(Bytes& b, uint64_t off, const T& v) {
    REQUIRE(off + sizeof(T) <= b.size());
    std::memcpy(b.data() + off, &v, sizeof v);
}

// File offset of the n-th PT_NOTE's program header and of its contents.
uint64_t note_phdr(const Bytes& b, int n) {
    auto eh = get<Elf64_Ehdr>(b, 0);
    for (int i = 0; i < eh.e_phnum; ++i) {
        uint64_t at = eh.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr);
        if (get<Elf64_Phdr>(b, at).p_type == PT_NOTE && n-- == 0) return at;
    }
    FAIL("no such PT_NOTE");
    return 0;
}
uint64_t note_at(const Bytes& b, int n) { return get<Elf64_Phdr>(b, note_phdr(b, n)).p_offset; }

// Offsets inside the notes (the ABI note first, then the manifest: tests/solo5/solo5.ld).
constexpr uint64_t desc = 20;  // 12-byte header + "Solo5\0" padded to 8
uint64_t abi_info(const Bytes& b) { return note_at(b, 0) + desc; }
uint64_t mft(const Bytes& b) { return note_at(b, 1) + desc + SOLO5_MFT_NOTE_PAD; }
uint64_t entry(const Bytes& b, uint32_t i) { return mft(b) + sizeof(solo5_mft) + i * sizeof(solo5_mft_entry); }

std::string refusal(const Bytes& b) {
    try {
        GuestImage img = parse_guest_image(std::span<const std::byte>(b.data(), b.size()));
        (void)recognise_personality(img);
    } catch (const UsageError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("NOT A UsageError: ") + e.what();
    }
    return "";
}

#define CHECK_REFUSED(bytes, part)                        \
    do {                                                  \
        std::string msg_ = refusal(bytes);                \
        INFO("message: " << msg_);                        \
        CHECK(msg_.rfind("guest ELF: ", 0) == 0);         \
        CHECK(msg_.find(part) != std::string::npos);      \
        CHECK(msg_.find('\n') == std::string::npos);      \
    } while (0)

template <class F>
Bytes patched(F f) {
    Bytes b = blk_spt();
    f(b);
    return b;
}

}  // namespace

TEST_CASE("a Solo5 spt image is recognised: handle = manifest index, entry 0 reserved, fake interpreter accepted") {
    Bytes b = blk_spt();
    GuestImage img = parse_guest_image(b);
    CHECK(img.interp == "/nonexistent/solo5/");
    auto p = recognise_personality(img);
    CHECK(std::string(p->name()) == "solo5-spt");
    auto m = p->manifest();
    REQUIRE(m.size() == 2);
    CHECK(m[0].type == no_device);
    CHECK(m[1] == DeviceDecl{UK_DEV_BLK, "storage"});
    CHECK(p->guest_makes_system_calls());
    CHECK(p->native_backend() == BackendChoice::seccomp);
}

TEST_CASE("a Solo5 ABI note with another version or target, or the wrong size, is refused") {
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, abi_info(b) + 4, 1); }), "built for ABI version 1");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, abi_info(b) + 4, 3); }), "ABI version 3");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, abi_info(b), 3); }), "target 3");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, note_at(b, 0) + 4, 12); }), "guest ELF");
}

TEST_CASE("a Solo5 image without its ABI or manifest note is refused") {
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, note_at(b, 0) + 8, 0x12345678); }), "no ABI note");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, note_at(b, 1) + 8, 0x12345678); }), "no manifest note");
}

TEST_CASE("a malformed Solo5 manifest is refused: version, entry count, size, reserved entry, names, flags") {
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, mft(b), 2); }), "manifest version 2");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, mft(b) + 4, 0); }), "no entries");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, mft(b) + 4, 65); }), "more than the 64 allowed");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, mft(b) + 4, 3); }), "3 entries take");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, mft(b) + 4, UINT32_MAX); }), "more than the 64 allowed");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, entry(b, 0) + 68, SOLO5_MFT_BLOCK_BASIC); }),
                  "not the reserved first entry");
    CHECK_REFUSED(patched([](Bytes& b) { set<char>(b, entry(b, 0), 'x'); }), "not the reserved first entry");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint8_t>(b, entry(b, 1) + 96, 1); }), "marked attached");
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, entry(b, 1) + 68, 7); }), "unknown type 0x7");
    CHECK_REFUSED(patched([](Bytes& b) { set<char>(b, entry(b, 1), 0); }), "bad name");
    CHECK_REFUSED(patched([](Bytes& b) { set<char>(b, entry(b, 1) + 2, '/'); }), "bad name");
    CHECK_REFUSED(patched([](Bytes& b) {  // 68 characters: no terminating NUL
        for (uint64_t i = 0; i < SOLO5_MFT_NAME_SIZE; ++i) set<char>(b, entry(b, 1) + i, 'a');
    }), "bad name");
}

TEST_CASE("a truncated Solo5 manifest note is refused, never read past") {
    for (uint32_t cut : {1u, 4u, 8u, 100u, 104u, 120u}) {
        INFO("note cut by " << cut);
        Bytes b = blk_spt();
        uint64_t ph = note_phdr(b, 1);
        auto p = get<Elf64_Phdr>(b, ph);
        p.p_filesz -= cut;
        set(b, ph, p);
        CHECK_REFUSED(b, "guest ELF");
    }
    // The descriptor size says more than the segment holds.
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, note_at(b, 1) + 4, 0x10000); }), "guest ELF");
    // ... or less than the entries need.
    CHECK_REFUSED(patched([](Bytes& b) { set<uint32_t>(b, note_at(b, 1) + 4, 16); }), "guest ELF");
}

TEST_CASE("a Solo5 image whose entry lies outside its text, or whose segments overlap, is refused") {
    CHECK_REFUSED(patched([](Bytes& b) {
        auto eh = get<Elf64_Ehdr>(b, 0);
        eh.e_entry = 0x50000000;
        set(b, 0, eh);
    }), "entry point");
    CHECK_REFUSED(patched([](Bytes& b) {
        auto eh = get<Elf64_Ehdr>(b, 0);
        for (int i = 0; i < eh.e_phnum; ++i) {
            uint64_t at = eh.e_phoff + uint64_t(i) * sizeof(Elf64_Phdr);
            auto p = get<Elf64_Phdr>(b, at);
            if (p.p_type == PT_LOAD && p.p_flags == (PF_R | PF_W)) {
                p.p_vaddr = p.p_paddr = 0x100000;  // onto the text
                set(b, at, p);
            }
        }
    }), "overlap");
}

TEST_CASE("Solo5's exit codes: status as is, 255 crash, 159 refused call, 1 monitor error, 251 timeout") {
    RunOutcome halt = RunOutcome::halted(42);
    CHECK(abi_solo5::exit_code(42, &halt) == 42);
    RunOutcome h255 = RunOutcome::halted(255);
    CHECK(abi_solo5::exit_code(255, &h255) == 255);
    RunOutcome crash = RunOutcome::make(RunOutcome::Kind::crashed, "x");
    CHECK(abi_solo5::exit_code(255, &crash) == 255);
    RunOutcome killed = RunOutcome::make(RunOutcome::Kind::killed, "x");
    CHECK(abi_solo5::exit_code(254, &killed) == 159);
    CHECK(abi_solo5::exit_code(253, nullptr) == 1);
    CHECK(abi_solo5::exit_code(252, nullptr) == 1);
    CHECK(abi_solo5::exit_code(251, nullptr) == 251);
    CHECK(abi_solo5::exit_code(253, &halt) == 1);  // a clean halt whose disk flush failed
}
