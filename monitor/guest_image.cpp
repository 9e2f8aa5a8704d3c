// Guest ELF parsing with libelf: header, PT_LOAD segments, notes, function symbols.
// Everything here is hostile input: each check names what it refused.
#include "monitor/guest_image.hpp"
#include "monitor/printable.hpp"

#include <gelf.h>
#include <libelf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>

#include <ukmon/abi.h>

#include "monitor/error.hpp"

namespace ukmon {
namespace {

constexpr uint64_t page_size = 4096;
constexpr size_t max_load_segments = 16;

[[noreturn]] void refuse(const char* fmt, auto... args) {
    char msg[256];
    std::snprintf(msg, sizeof msg, fmt, args...);
    throw UsageError(std::string("guest ELF: ") + msg);
}

struct ElfCloser {
    void operator()(Elf* e) const { elf_end(e); }
};
using ElfHandle = std::unique_ptr<Elf, ElfCloser>;

uint64_t page_down(uint64_t v) { return v & ~(page_size - 1); }
uint64_t page_up(uint64_t v) { return (v + page_size - 1) & ~(page_size - 1); }

const char* machine_name(uint16_t m) { return m == EM_X86_64 ? "x86_64" : m == EM_AARCH64 ? "aarch64" : "another machine"; }

void check_header(Elf* elf, const GElf_Ehdr& eh, uint16_t machine) {
    if (gelf_getclass(elf) != ELFCLASS64) refuse("not a 64-bit ELF");
    if (eh.e_ident[EI_DATA] != ELFDATA2LSB) refuse("not little-endian");
    bool ours = machine == any_machine ? eh.e_machine == EM_X86_64 || eh.e_machine == EM_AARCH64
                                       : eh.e_machine == machine;
    if (!ours)
        refuse("machine %u (%s) is not %s", unsigned(eh.e_machine), machine_name(eh.e_machine),
               machine == any_machine ? "x86_64 or aarch64" : machine_name(machine));
    if (eh.e_type != ET_EXEC)
        refuse("type %u is not a static executable (ET_EXEC); link with guest-abi/guest.ld",
               unsigned(eh.e_type));
}

Segment load_segment(const GElf_Phdr& ph, size_t index, uint64_t file_size) {
    if (ph.p_filesz > ph.p_memsz) refuse("segment %zu: file size exceeds memory size", index);
    if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
        refuse("segment %zu: file range lies outside the file", index);
    if (ph.p_vaddr < UK_GUEST_LINK_BASE)
        refuse("segment %zu: address 0x%llx is below the link base 0x%llx", index,
               (unsigned long long)ph.p_vaddr, (unsigned long long)UK_GUEST_LINK_BASE);
    if (ph.p_vaddr > max_image_end || ph.p_memsz > max_image_end - ph.p_vaddr)
        refuse("segment %zu: [0x%llx, +0x%llx) reaches past 4 GiB", index,
               (unsigned long long)ph.p_vaddr, (unsigned long long)ph.p_memsz);
    bool w = ph.p_flags & PF_W, x = ph.p_flags & PF_X;
    if (w && x) refuse("segment %zu is both writable and executable", index);
    return Segment{ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
                   bool(ph.p_flags & PF_R), w, x};
}

// Segments may not share a page: each page gets one set of permissions.
void check_no_overlap(std::vector<Segment>& segs) {
    std::sort(segs.begin(), segs.end(), [](auto& a, auto& b) { return a.vaddr < b.vaddr; });
    for (size_t i = 1; i < segs.size(); ++i)
        if (page_down(segs[i].vaddr) < page_up(segs[i - 1].vaddr + segs[i - 1].memsz))
            refuse("segments at 0x%llx and 0x%llx overlap or share a page",
                   (unsigned long long)segs[i - 1].vaddr, (unsigned long long)segs[i].vaddr);
}

constexpr size_t max_notes = 256;  // a manifest is far smaller; bounds what a hostile file costs

void read_notes(Elf* elf, const GElf_Phdr& ph, uint64_t file_size, GuestImage& img) {
    if (ph.p_offset > file_size || ph.p_filesz > file_size - ph.p_offset)
        refuse("note segment lies outside the file");
    Elf_Data* data = elf_getdata_rawchunk(elf, ph.p_offset, ph.p_filesz, ELF_T_NHDR);
    if (!data) refuse("unreadable note segment: %s", elf_errmsg(-1));
    size_t off = 0, next;
    GElf_Nhdr nh;
    size_t name_off, desc_off;
    while (off < data->d_size && (next = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
        auto* base = static_cast<const std::byte*>(data->d_buf);
        if (img.notes.size() == max_notes) refuse("more than %zu notes", max_notes);
        const char* name = reinterpret_cast<const char*>(base + name_off);
        ElfNote note{std::string(name, strnlen(name, nh.n_namesz)), nh.n_type,
                     std::vector<std::byte>(base + desc_off, base + desc_off + nh.n_descsz)};
        img.notes.push_back(std::move(note));
        off = next;
    }
    if (off < data->d_size) refuse("malformed note at offset %zu of the note segment", off);
}

void read_interp(const GElf_Phdr& ph, std::span<const std::byte> bytes, GuestImage& img) {
    if (ph.p_offset > bytes.size() || ph.p_filesz > bytes.size() - ph.p_offset || ph.p_filesz > 256)
        refuse("interpreter segment lies outside the file or is too long");
    if (!img.interp.empty()) refuse("more than one interpreter segment");
    const char* text = reinterpret_cast<const char*>(bytes.data() + ph.p_offset);
    img.interp.assign(text, strnlen(text, ph.p_filesz));
    if (img.interp.empty()) img.interp = "?";  // present but empty: still present
}

void read_functions(Elf* elf, GuestImage& img) {
    Elf_Scn* scn = nullptr;
    while ((scn = elf_nextscn(elf, scn)) != nullptr) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0) continue;
        Elf_Data* data = elf_getdata(scn, nullptr);
        if (!data) continue;  // symbols are a convenience; a broken table only loses names
        size_t count = data->d_size / sh.sh_entsize;
        for (size_t i = 0; i < count; ++i) {
            GElf_Sym sym;
            if (!gelf_getsym(data, int(i), &sym)) break;
            if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0) continue;
            const char* name = elf_strptr(elf, sh.sh_link, sym.st_name);
            // Escaped once here: every diagnosis that names a function (both backends, the
            // timeout, signal handlers that cannot allocate) prints guest text as one plain line.
            if (name) img.functions.push_back(GuestSymbol{sym.st_value, sym.st_size, printable(name)});
        }
    }
    std::sort(img.functions.begin(), img.functions.end(),
              [](auto& a, auto& b) { return a.addr < b.addr; });
}

}  // namespace

void format_symbol(char* out, size_t size, uint64_t addr, const GuestImage& img) {
    out[0] = '\0';
    if (const GuestSymbol* f = img.function_at(addr))
        std::snprintf(out, size, " (%s+0x%llx)", f->name.c_str(), (unsigned long long)(addr - f->addr));
}

GuestImage parse_guest_image(std::span<const std::byte> bytes, uint16_t machine) {
    if (elf_version(EV_CURRENT) == EV_NONE) throw std::runtime_error("libelf: version mismatch");
    if (bytes.size() < EI_NIDENT || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0)
        refuse("not an ELF file");
    // libelf only reads from this buffer (ELF_C_READ semantics), hence the const_cast.
    ElfHandle elf(elf_memory(const_cast<char*>(reinterpret_cast<const char*>(bytes.data())),
                             bytes.size()));
    if (!elf || elf_kind(elf.get()) != ELF_K_ELF) refuse("not an ELF file");
    GElf_Ehdr eh;
    if (!gelf_getehdr(elf.get(), &eh)) refuse("unreadable ELF header: %s", elf_errmsg(-1));
    check_header(elf.get(), eh, machine);

    GuestImage img;
    img.bytes = bytes;
    img.machine = eh.e_machine;
    img.entry = eh.e_entry;
    size_t phnum = 0;
    if (elf_getphdrnum(elf.get(), &phnum) != 0) refuse("unreadable program headers");
    if (phnum == 0) refuse("no program headers");
    for (size_t i = 0; i < phnum; ++i) {
        GElf_Phdr ph;
        if (!gelf_getphdr(elf.get(), int(i), &ph)) refuse("unreadable program header %zu", i);
        if (ph.p_type == PT_LOAD && ph.p_memsz > 0) {
            if (img.segments.size() == max_load_segments) refuse("more than %zu load segments", max_load_segments);
            img.segments.push_back(load_segment(ph, i, bytes.size()));
        } else if (ph.p_type == PT_NOTE) {
            read_notes(elf.get(), ph, bytes.size(), img);
        } else if (ph.p_type == PT_INTERP) {
            // Solo5 images name a fake interpreter so that the host refuses to exec them.
            read_interp(ph, bytes, img);
        } else if (ph.p_type == PT_DYNAMIC) {
            refuse("dynamically linked; a guest must be static");
        }
    }
    if (img.segments.empty()) refuse("no loadable segments");
    check_no_overlap(img.segments);
    auto in_exec = [&](const Segment& s) {
        return s.executable && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz;
    };
    if (std::none_of(img.segments.begin(), img.segments.end(), in_exec))
        refuse("entry point 0x%llx is not inside an executable segment", (unsigned long long)img.entry);
    auto& last = img.segments.back();
    img.image_end = page_up(last.vaddr + last.memsz);
    read_functions(elf.get(), img);
    return img;
}

const GuestSymbol* GuestImage::function_at(uint64_t addr) const {
    auto it = std::upper_bound(functions.begin(), functions.end(), addr,
                               [](uint64_t a, const GuestSymbol& s) { return a < s.addr; });
    if (it == functions.begin()) return nullptr;
    --it;
    return addr - it->addr < std::max<uint64_t>(it->size, 1) ? &*it : nullptr;
}

std::string GuestImage::symbolize(uint64_t addr) const {
    const GuestSymbol* f = function_at(addr);
    if (!f) return "";
    char off[32];
    std::snprintf(off, sizeof off, "+0x%llx", (unsigned long long)(addr - f->addr));
    return f->name + off;
}

}  // namespace ukmon
