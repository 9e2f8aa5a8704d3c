// parse_guest_image on hostile input: a real guest is accepted; each broken variant of it
// (made by patching the bytes, no libelf) is refused with a UsageError that names the problem.
#include <doctest/doctest.h>
#include <elf.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/error.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/personality.hpp"
#include "tests/unit/build_files.hpp"

using namespace ukmon;
using Bytes = std::vector<std::byte>;

namespace {

// ---- byte patching ------------------------------------------------------------------------
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

Elf64_Ehdr ehdr(const Bytes& b) { return get<Elf64_Ehdr>(b, 0); }
uint64_t phdr_off(const Bytes& b, size_t i) { return ehdr(b).e_phoff + i * sizeof(Elf64_Phdr); }
Elf64_Phdr phdr(const Bytes& b, size_t i) { return get<Elf64_Phdr>(b, phdr_off(b, i)); }

// Index of the program header with this type (and flags, for PT_LOAD).
size_t find_phdr(const Bytes& b, uint32_t type, uint32_t flags = 0) {
    for (size_t i = 0; i < ehdr(b).e_phnum; ++i) {
        Elf64_Phdr p = phdr(b, i);
        if (p.p_type == type && (type != PT_LOAD || p.p_flags == flags)) return i;
    }
    FAIL("the test guest has no such program header");
    return 0;
}
constexpr uint32_t text_flags = PF_R | PF_X, rodata_flags = PF_R, data_flags = PF_R | PF_W;

template <class F>
Bytes edit_ehdr(Bytes b, F f) {
    Elf64_Ehdr e = ehdr(b);
    f(e);
    set(b, 0, e);
    return b;
}
template <class F>
Bytes edit_phdr(Bytes b, size_t i, F f) {
    Elf64_Phdr p = phdr(b, i);
    f(p);
    set(b, phdr_off(b, i), p);
    return b;
}
template <class F>
Bytes edit_load(const Bytes& b, uint32_t flags, F f) { return edit_phdr(b, find_phdr(b, PT_LOAD, flags), f); }

// ---- notes --------------------------------------------------------------------------------
struct Note {
    uint32_t type;
    Bytes desc;
    std::string owner = UK_NOTE_NAME;
};

void append(Bytes& out, const void* p, size_t n) {
    auto* c = static_cast<const std::byte*>(p);
    out.insert(out.end(), c, c + n);
}
void pad4(Bytes& out) { out.resize((out.size() + 3) & ~size_t(3), std::byte{0}); }

Bytes note_blob(const std::vector<Note>& notes) {
    Bytes out;
    for (const Note& n : notes) {
        uint32_t hdr[3] = {uint32_t(n.owner.size() + 1), uint32_t(n.desc.size()), n.type};
        append(out, hdr, sizeof hdr);
        append(out, n.owner.c_str(), n.owner.size() + 1);
        pad4(out);
        append(out, n.desc.data(), n.desc.size());
        pad4(out);
    }
    return out;
}

Note abi_note(uint32_t version) {
    Note n{UK_NOTE_ABI_VERSION, {}};
    append(n.desc, &version, 4);
    return n;
}

// A device note with a raw 32-byte name field (so names without a NUL can be made).
Note device_note(uint32_t type, const std::string& name) {
    uk_note_device d{};
    d.type = type;
    std::memcpy(d.name, name.data(), std::min(name.size(), sizeof d.name));
    Note n{UK_NOTE_DEVICE, {}};
    append(n.desc, &d, sizeof d);
    return n;
}

// The guest with its PT_NOTE pointing at these notes (appended at the end of the file).
Bytes with_notes(Bytes b, const std::vector<Note>& notes) {
    b.resize((b.size() + 7) & ~size_t(7), std::byte{0});
    uint64_t off = b.size();
    Bytes blob = note_blob(notes);
    b.insert(b.end(), blob.begin(), blob.end());
    return edit_phdr(b, find_phdr(b, PT_NOTE), [&](Elf64_Phdr& p) {
        p.p_offset = off;
        p.p_filesz = p.p_memsz = blob.size();
    });
}

// ---- verdicts -----------------------------------------------------------------------------
// The UsageError's message, "" if accepted (by the loader and the personality whose notes
// the image carries); any other exception is reported as such.
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

#define CHECK_REFUSED(bytes, part)                                                 \
    do {                                                                           \
        std::string msg_ = refusal(bytes);                                         \
        INFO("message: " << msg_);                                                 \
        CHECK(msg_.rfind("guest ELF: ", 0) == 0);                                  \
        CHECK(msg_.find(part) != std::string::npos);                               \
        CHECK(msg_.find('\n') == std::string::npos);                               \
    } while (0)

#define CHECK_ACCEPTED(bytes)                                                      \
    do {                                                                           \
        std::string msg_ = refusal(bytes);                                         \
        INFO("message: " << msg_);                                                 \
        CHECK(msg_.empty());                                                       \
    } while (0)

}  // namespace

// ---- the real guest -------------------------------------------------------------------------

TEST_CASE("a real guest is accepted with its entry, sorted W^X segments, ABI version and symbols") {
    Bytes b = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(b);
    CHECK(img.entry == ehdr(b).e_entry);
    CHECK(recognise_personality(img)->manifest().empty());
    REQUIRE(img.segments.size() == 3);
    for (size_t i = 1; i < img.segments.size(); ++i) CHECK(img.segments[i - 1].vaddr < img.segments[i].vaddr);
    for (const Segment& s : img.segments) {
        CHECK(s.vaddr >= UK_GUEST_LINK_BASE);
        CHECK(s.filesz <= s.memsz);
        CHECK_FALSE((s.writable && s.executable));
    }
    CHECK(img.segments[0].executable);
    CHECK(img.segments[0].vaddr == UK_GUEST_LINK_BASE);
    const Segment& last = img.segments.back();
    CHECK(img.image_end % 4096 == 0);
    CHECK(img.image_end >= last.vaddr + last.memsz);
    CHECK(img.image_end < last.vaddr + last.memsz + 4096);
    CHECK(img.bytes.data() == b.data());
}

TEST_CASE("the symbol table gives function names for diagnoses") {
    Bytes b = ukmon_test::hello_elf();
    GuestImage img = parse_guest_image(b);
    const GuestSymbol* main_fn = nullptr;
    for (const GuestSymbol& s : img.functions)
        if (s.name == "main") main_fn = &s;
    REQUIRE(main_fn != nullptr);
    CHECK(img.function_at(main_fn->addr) == main_fn);
    CHECK(img.symbolize(main_fn->addr + 3) == "main+0x3");
    CHECK(img.symbolize(main_fn->addr) == "main+0x0");
    CHECK(img.function_at(0x1000) == nullptr);
    CHECK(img.symbolize(0x1000) == "");
    CHECK(img.symbolize(UINT64_MAX) == "");
}

TEST_CASE("parsing never writes to the ELF bytes (the embedded guest lives in read-only memory)") {
    Bytes good = ukmon_test::hello_elf();
    Bytes msb = good;
    msb[EI_DATA] = std::byte{ELFDATA2MSB};
    Bytes cls32 = good;
    cls32[EI_CLASS] = std::byte{ELFCLASS32};
    for (const Bytes* b : {&good, &msb, &cls32}) {
        void* p = mmap(nullptr, b->size(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        REQUIRE(p != MAP_FAILED);
        std::memcpy(p, b->data(), b->size());
        REQUIRE(mprotect(p, b->size(), PROT_READ) == 0);
        std::span<const std::byte> ro(static_cast<const std::byte*>(p), b->size());
        if (b == &good) {
            CHECK_NOTHROW(parse_guest_image(ro));
        } else {
            CHECK_THROWS_AS(parse_guest_image(ro), UsageError);  // and no SIGSEGV on the way
        }
        munmap(p, b->size());
    }
}

// ---- the file and its header ----------------------------------------------------------------

TEST_CASE("a truncated file is refused") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(Bytes{}, "not an ELF file");
    CHECK_REFUSED(Bytes(b.begin(), b.begin() + 3), "not an ELF file");
    CHECK_REFUSED(Bytes(b.begin(), b.begin() + EI_NIDENT), "not an ELF file");
    CHECK_REFUSED(Bytes(b.begin(), b.begin() + sizeof(Elf64_Ehdr)), "program header");
    Elf64_Phdr text = phdr(b, find_phdr(b, PT_LOAD, text_flags));
    // Cut inside the text segment: its file range now leaves the file.
    CHECK_REFUSED(Bytes(b.begin(), b.begin() + long(text.p_offset + text.p_filesz - 1)), "outside the file");
    // Cutting only section headers loses the symbols, not safety: the segments are intact.
    uint64_t segments_end = 0;
    for (size_t i = 0; i < ehdr(b).e_phnum; ++i)
        segments_end = std::max<uint64_t>(segments_end, phdr(b, i).p_offset + phdr(b, i).p_filesz);
    REQUIRE(segments_end < b.size());
    CHECK_ACCEPTED(Bytes(b.begin(), b.begin() + long(segments_end)));
}

TEST_CASE("bad ELF magic is refused") {
    Bytes b = ukmon_test::hello_elf();
    b[1] = std::byte{'X'};
    CHECK_REFUSED(b, "not an ELF file");
}

TEST_CASE("a 32-bit ELF is refused") {
    Bytes b = ukmon_test::hello_elf();
    b[EI_CLASS] = std::byte{ELFCLASS32};
    CHECK_REFUSED(b, "64-bit");
}

TEST_CASE("a big-endian ELF is refused") {
    Bytes b = ukmon_test::hello_elf();
    b[EI_DATA] = std::byte{ELFDATA2MSB};
    CHECK_REFUSED(b, "not little-endian");
}

TEST_CASE("an ELF for another machine is refused and the machine is named") {
    // The other machine ukmon builds for, too: a monitor runs only guests of its own.
#if defined(__aarch64__)
    Bytes b = edit_ehdr(ukmon_test::hello_elf(), [](Elf64_Ehdr& e) { e.e_machine = EM_X86_64; });
    CHECK_REFUSED(b, "machine 62 (x86_64) is not aarch64");
#else
    Bytes b = edit_ehdr(ukmon_test::hello_elf(), [](Elf64_Ehdr& e) { e.e_machine = EM_AARCH64; });
    CHECK_REFUSED(b, "machine 183 (aarch64) is not x86_64");
#endif
    Bytes riscv = edit_ehdr(ukmon_test::hello_elf(), [](Elf64_Ehdr& e) { e.e_machine = 243; });
    CHECK_REFUSED(riscv, "machine 243 (another machine)");
}

TEST_CASE("a position-independent (ET_DYN) or relocatable ELF is refused") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(edit_ehdr(b, [](Elf64_Ehdr& e) { e.e_type = ET_DYN; }), "not a static executable");
    CHECK_REFUSED(edit_ehdr(b, [](Elf64_Ehdr& e) { e.e_type = ET_REL; }), "not a static executable");
}

TEST_CASE("an ELF without program headers is refused") {
    Bytes b = edit_ehdr(ukmon_test::hello_elf(), [](Elf64_Ehdr& e) { e.e_phnum = 0; });
    CHECK_REFUSED(b, "no program headers");
}

TEST_CASE("a program-header table past the end of the file is refused") {
    Bytes b = ukmon_test::hello_elf();
    uint64_t size = b.size();
    CHECK_REFUSED(edit_ehdr(b, [&](Elf64_Ehdr& e) { e.e_phoff = size - 8; }), "program header");
    CHECK_REFUSED(edit_ehdr(b, [](Elf64_Ehdr& e) { e.e_phoff = UINT64_MAX - 8; }), "program header");
}

TEST_CASE("a dynamically linked guest (PT_INTERP or PT_DYNAMIC) is refused") {
    Bytes b = ukmon_test::hello_elf();
    size_t note = find_phdr(b, PT_NOTE);
    CHECK_REFUSED(edit_phdr(b, note, [](Elf64_Phdr& p) { p.p_type = PT_INTERP; }), "dynamically linked");
    CHECK_REFUSED(edit_phdr(b, note, [](Elf64_Phdr& p) { p.p_type = PT_DYNAMIC; }), "dynamically linked");
}

// ---- segments ---------------------------------------------------------------------------------

TEST_CASE("a segment whose file range lies past the end of the file is refused") {
    Bytes b = ukmon_test::hello_elf();
    uint64_t size = b.size();
    CHECK_REFUSED(edit_load(b, text_flags, [&](Elf64_Phdr& p) { p.p_offset = size - 0x10; }), "outside the file");
    CHECK_REFUSED(edit_load(b, text_flags, [&](Elf64_Phdr& p) { p.p_offset = size + 1; p.p_filesz = 0; }),
                  "outside the file");
    // offset + filesz wraps to a small number: must not pass as inside.
    CHECK_REFUSED(edit_load(b, text_flags, [](Elf64_Phdr& p) { p.p_offset = UINT64_MAX - 0xF; p.p_filesz = p.p_memsz = 0x20; }),
                  "outside the file");
    CHECK_REFUSED(edit_load(b, rodata_flags, [](Elf64_Phdr& p) { p.p_filesz = p.p_memsz = UINT64_MAX; }), "guest ELF");
}

TEST_CASE("a segment with file size above memory size is refused") {
    Bytes b = edit_load(ukmon_test::hello_elf(), text_flags, [](Elf64_Phdr& p) { p.p_filesz = p.p_memsz + 1; });
    CHECK_REFUSED(b, "file size exceeds memory size");
}

TEST_CASE("a segment below 1 MiB (the monitor's area) is refused") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(edit_load(b, text_flags, [](Elf64_Phdr& p) { p.p_vaddr = 0xFF000; }), "below the link base");
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_vaddr = 0; }), "below the link base");
    CHECK_REFUSED(edit_load(b, rodata_flags, [](Elf64_Phdr& p) { p.p_vaddr = 0x1000; }), "below the link base");
}

TEST_CASE("a segment whose vaddr+memsz wraps or passes 4 GiB is refused") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_vaddr = 0xFFFFFFFFFFFFF000ull; p.p_memsz = 0x2000; }),
                  "past 4 GiB");
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_memsz = UINT64_MAX; }), "past 4 GiB");
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_memsz = 0 - p.p_vaddr + 0x1000; }), "past 4 GiB");
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_memsz = 0x1'0000'0000ull; }), "past 4 GiB");
    // memsz stays >= filesz (the data segment outgrows a page with newlib's stdio state)
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_vaddr = 0x1'0000'0000ull; p.p_memsz = p.p_filesz; }),
                  "past 4 GiB");
}

TEST_CASE("overlapping segments, or segments sharing a page, are refused") {
    Bytes b = ukmon_test::hello_elf();
    Elf64_Phdr text = phdr(b, find_phdr(b, PT_LOAD, text_flags));
    Elf64_Phdr ro = phdr(b, find_phdr(b, PT_LOAD, rodata_flags));
    CHECK_REFUSED(edit_load(b, rodata_flags, [&](Elf64_Phdr& p) { p.p_vaddr = text.p_vaddr; }), "overlap");
    CHECK_REFUSED(edit_load(b, data_flags, [&](Elf64_Phdr& p) { p.p_vaddr = ro.p_vaddr + 0x10; }), "overlap");
    // Not overlapping bytes, but in the last page of text: one page cannot be both R+X and R.
    uint64_t text_end = text.p_vaddr + text.p_memsz;
    REQUIRE(text_end % 4096 != 0);
    CHECK_REFUSED(edit_load(b, rodata_flags, [&](Elf64_Phdr& p) { p.p_vaddr = text_end; }), "share a page");
}

TEST_CASE("a writable and executable segment is refused") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(edit_load(b, text_flags, [](Elf64_Phdr& p) { p.p_flags |= PF_W; }), "both writable and executable");
    CHECK_REFUSED(edit_load(b, data_flags, [](Elf64_Phdr& p) { p.p_flags |= PF_X; }), "both writable and executable");
}

TEST_CASE("more than 16 load segments are refused") {
    Bytes b = ukmon_test::hello_elf();
    // A new program-header table at the end of the file: the three real segments + 14 pages.
    std::vector<Elf64_Phdr> table;
    for (size_t i = 0; i < ehdr(b).e_phnum; ++i) table.push_back(phdr(b, i));
    for (uint64_t i = 0; i < 14; ++i) {
        Elf64_Phdr p{};
        p.p_type = PT_LOAD;
        p.p_flags = PF_R;
        p.p_vaddr = p.p_paddr = 0x400000 + i * 0x1000;
        p.p_memsz = 0x1000;
        p.p_align = 0x1000;
        table.push_back(p);
    }
    b.resize((b.size() + 7) & ~size_t(7));
    uint64_t off = b.size();
    append(b, table.data(), table.size() * sizeof(Elf64_Phdr));
    Bytes too_many = edit_ehdr(b, [&](Elf64_Ehdr& e) { e.e_phoff = off; e.e_phnum = uint16_t(table.size()); });
    CHECK_REFUSED(too_many, "more than 16 load segments");
    Bytes sixteen = edit_ehdr(b, [&](Elf64_Ehdr& e) { e.e_phoff = off; e.e_phnum = uint16_t(table.size() - 1); });
    CHECK_ACCEPTED(sixteen);
}

TEST_CASE("an entry point outside every executable segment is refused") {
    Bytes b = ukmon_test::hello_elf();
    Elf64_Phdr text = phdr(b, find_phdr(b, PT_LOAD, text_flags));
    Elf64_Phdr ro = phdr(b, find_phdr(b, PT_LOAD, rodata_flags));
    for (uint64_t entry : {ro.p_vaddr, text.p_vaddr + text.p_memsz, text.p_vaddr - 1, uint64_t(0), UINT64_MAX}) {
        CAPTURE(entry);
        CHECK_REFUSED(edit_ehdr(b, [&](Elf64_Ehdr& e) { e.e_entry = entry; }), "not inside an executable segment");
    }
    CHECK_ACCEPTED(edit_ehdr(b, [&](Elf64_Ehdr& e) { e.e_entry = text.p_vaddr + text.p_memsz - 1; }));
}

// ---- the manifest: ABI note and device notes --------------------------------------------------

TEST_CASE("the test's own note builder makes notes the parser accepts (control for the cases below)") {
    Bytes b = with_notes(ukmon_test::hello_elf(),
                         {abi_note(UK_ABI_VERSION), device_note(UK_DEV_NET, "service"), device_note(UK_DEV_BLK, "storage-1_x")});
    GuestImage img = parse_guest_image(b);
    auto personality = recognise_personality(img);  // the manifest is a view into it: keep it alive
    auto manifest = personality->manifest();
    std::vector<DeviceDecl> want{{UK_DEV_NET, "service"}, {UK_DEV_BLK, "storage-1_x"}};
    CHECK(std::vector<DeviceDecl>(manifest.begin(), manifest.end()) == want);
}

TEST_CASE("notes of other owners are ignored") {
    Note gnu{1, {std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}}, "GNU"};
    CHECK_ACCEPTED(with_notes(ukmon_test::hello_elf(), {gnu, abi_note(UK_ABI_VERSION), gnu}));
}

TEST_CASE("a guest without the ABI note is refused as not a ukmon guest") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(edit_phdr(b, find_phdr(b, PT_NOTE), [](Elf64_Phdr& p) { p.p_type = PT_NULL; }), "no UKMON ABI version note");
    CHECK_REFUSED(with_notes(b, {}), "no UKMON ABI version note");
    CHECK_REFUSED(with_notes(b, {device_note(UK_DEV_NET, "service")}), "no UKMON ABI version note");
}

TEST_CASE("a guest built for another ABI version is refused and both versions are named") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(with_notes(b, {abi_note(UK_ABI_VERSION + 1)}), "built for ukmon ABI version 2, but this monitor speaks version 1");
    CHECK_REFUSED(with_notes(b, {abi_note(0)}), "ABI version note says 0");
    CHECK_REFUSED(with_notes(b, {abi_note(1), abi_note(1)}), "more than one ABI version note");
    Note short_abi{UK_NOTE_ABI_VERSION, {std::byte{1}, std::byte{0}}};
    CHECK_REFUSED(with_notes(b, {short_abi}), "ABI version note has size 2");
}

TEST_CASE("a device note with a bad name is refused") {
    Bytes b = ukmon_test::hello_elf();
    for (std::string name : {std::string(""), std::string("has space"), std::string("a/b"), std::string("dot.name"),
                             std::string("\xff"), std::string(32, 'x') /* no NUL in 32 bytes */}) {
        CAPTURE(name);
        CHECK_REFUSED(with_notes(b, {abi_note(1), device_note(UK_DEV_NET, name)}), "bad name");
    }
    CHECK_ACCEPTED(with_notes(b, {abi_note(1), device_note(UK_DEV_NET, std::string(31, 'x'))}));
}

TEST_CASE("a device note of an unknown type is refused and the type is named") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(with_notes(b, {abi_note(1), device_note(7, "thing")}), "unknown type 7");
    CHECK_REFUSED(with_notes(b, {abi_note(1), device_note(0, "thing")}), "unknown type 0");
}

TEST_CASE("a device note of the wrong size is refused") {
    Note n = device_note(UK_DEV_NET, "service");
    n.desc.pop_back();
    CHECK_REFUSED(with_notes(ukmon_test::hello_elf(), {abi_note(1), n}), "device note has size 35");
}

TEST_CASE("two devices with the same name are refused, even of different types") {
    Bytes b = ukmon_test::hello_elf();
    CHECK_REFUSED(with_notes(b, {abi_note(1), device_note(UK_DEV_NET, "dev"), device_note(UK_DEV_BLK, "dev")}),
                  "device name 'dev' is declared twice");
}

TEST_CASE("at most 16 devices may be declared") {
    Bytes b = ukmon_test::hello_elf();
    std::vector<Note> notes{abi_note(1)};
    for (int i = 0; i < 16; ++i) notes.push_back(device_note(i % 2 ? UK_DEV_NET : UK_DEV_BLK, "d" + std::to_string(i)));
    CHECK_ACCEPTED(with_notes(b, notes));
    notes.push_back(device_note(UK_DEV_NET, "d16"));
    CHECK_REFUSED(with_notes(b, notes), "more than 16 devices");
}

TEST_CASE("an unknown UKMON note type is refused") {
    Note n{99, {std::byte{0}, std::byte{0}, std::byte{0}, std::byte{0}}};
    CHECK_REFUSED(with_notes(ukmon_test::hello_elf(), {abi_note(1), n}), "unknown UKMON note type 99");
}

TEST_CASE("a malformed note segment is refused") {
    Bytes b = ukmon_test::hello_elf();
    // namesz claims more bytes than the segment holds.
    Bytes blob_b = with_notes(b, {abi_note(1)});
    size_t note = find_phdr(blob_b, PT_NOTE);
    Elf64_Phdr p = phdr(blob_b, note);
    set<uint32_t>(blob_b, p.p_offset, 0x7FFFFFFF);
    CHECK_REFUSED(blob_b, "malformed note");
    // A note segment past the end of the file.
    uint64_t size = b.size();
    CHECK_REFUSED(edit_phdr(b, find_phdr(b, PT_NOTE), [&](Elf64_Phdr& q) { q.p_offset = size; q.p_filesz = 24; }),
                  "note segment lies outside the file");
    CHECK_REFUSED(edit_phdr(b, find_phdr(b, PT_NOTE), [](Elf64_Phdr& q) { q.p_offset = UINT64_MAX - 7; q.p_filesz = 24; }),
                  "note segment lies outside the file");
}
