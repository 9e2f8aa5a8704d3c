// Guest core-file layout (see coredump.hpp).
#include "monitor/coredump.hpp"

#include <elf.h>
#include <sys/procfs.h>
#include <sys/user.h>

#include <algorithm>
#include <cstring>

#include "arch/machine.hpp"
#include "monitor/abi/ukmon/layout.hpp"

namespace ukmon::coredump {
namespace {

void add(Regions& r, uint64_t start, uint64_t end, uint32_t flags) {
    if (start >= end || r.count == max_regions) return;
    r.items[r.count++] = Region{start, end, flags};
}

void put_note(std::vector<std::byte>& out, uint32_t type, const void* desc, size_t size) {
    auto put32 = [&](uint32_t v) {
        const auto* b = reinterpret_cast<const std::byte*>(&v);
        out.insert(out.end(), b, b + 4);
    };
    auto pad4 = [&] { out.resize((out.size() + 3) & ~size_t(3)); };
    static constexpr char name[] = "CORE";
    put32(sizeof name);
    put32(uint32_t(size));
    put32(type);
    const auto* n = reinterpret_cast<const std::byte*>(name);
    out.insert(out.end(), n, n + sizeof name);
    pad4();
    const auto* d = static_cast<const std::byte*>(desc);
    out.insert(out.end(), d, d + size);
    pad4();
}

}  // namespace

Regions guest_regions(const GuestRights& rights) {
    Regions r;
    for (const GuestRegion& g : rights.all()) {
        if (g.kind == GuestRegion::Kind::gate || !(g.read || g.write)) continue;
        add(r, g.start, g.end, PF_R | (g.write ? PF_W : 0) | (g.exec ? PF_X : 0));
    }
    return r;
}

bool valid_regions(std::span<const Region> regions) {
    if (regions.empty() || regions.size() > max_regions) return false;
    uint64_t prev_end = 0;
    for (const Region& g : regions) {
        if (g.start >= g.end || g.start < prev_end || g.end > (1ull << 32)) return false;
        if ((g.start | g.end) & (layout::page - 1)) return false;
        if (g.flags & ~uint32_t(PF_R | PF_W | PF_X)) return false;
        prev_end = g.end;
    }
    return true;
}

int region_of(std::span<const Region> regions, uint64_t addr, uint64_t len) {
    for (size_t i = 0; i < regions.size(); ++i)
        if (addr >= regions[i].start && addr <= regions[i].end && len <= regions[i].end - addr) return int(i);
    return -1;
}

Layout layout(std::span<const Region> regions, const GuestStop& stop, int pid, const char* program) {
    std::vector<std::byte> notes;
    elf_prstatus st{};
    st.pr_info.si_signo = stop.signal;
    st.pr_cursig = short(stop.signal);
    st.pr_pid = pid;
    st.pr_ppid = pid;
    st.pr_pgrp = pid;
    st.pr_sid = pid;
    user_regs_struct u = arch::to_user_regs(stop.regs);
    static_assert(sizeof u == sizeof st.pr_reg);
    std::memcpy(&st.pr_reg, &u, sizeof u);
    put_note(notes, NT_PRSTATUS, &st, sizeof st);
    // No NT_PRPSINFO: gdb compares its program name with the file name of the executable it
    // was given and warns "core file may not match" unless they are equal, and the guest ELF
    // is whatever the user named it (ukbake --extract-guest). The core's own name carries the
    // program name instead (core.PROGRAM.PID).
    (void)program;

    const size_t phnum = 1 + regions.size();
    const uint64_t notes_at = sizeof(Elf64_Ehdr) + phnum * sizeof(Elf64_Phdr);
    Layout out;
    uint64_t at = layout::page_up(notes_at + notes.size());
    for (const Region& g : regions) {
        out.offsets.push_back(at);
        at += g.end - g.start;
    }
    out.size = at;

    Elf64_Ehdr eh{};
    std::memcpy(eh.e_ident, ELFMAG, SELFMAG);
    eh.e_ident[EI_CLASS] = ELFCLASS64;
    eh.e_ident[EI_DATA] = ELFDATA2LSB;
    eh.e_ident[EI_VERSION] = EV_CURRENT;
    eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
    eh.e_type = ET_CORE;
    eh.e_machine = arch::elf_machine;
    eh.e_version = EV_CURRENT;
    eh.e_phoff = sizeof eh;
    eh.e_ehsize = sizeof eh;
    eh.e_phentsize = sizeof(Elf64_Phdr);
    eh.e_phnum = uint16_t(phnum);
    std::vector<Elf64_Phdr> ph(phnum);
    ph[0].p_type = PT_NOTE;
    ph[0].p_offset = notes_at;
    ph[0].p_filesz = notes.size();
    ph[0].p_align = 4;
    for (size_t i = 0; i < regions.size(); ++i) {
        Elf64_Phdr& p = ph[i + 1];
        p.p_type = PT_LOAD;
        p.p_flags = regions[i].flags;
        p.p_offset = out.offsets[i];
        p.p_vaddr = regions[i].start;
        p.p_filesz = p.p_memsz = regions[i].end - regions[i].start;
        p.p_align = layout::page;
    }
    auto append = [&](const void* p, size_t n) {
        const auto* b = static_cast<const std::byte*>(p);
        out.head.insert(out.head.end(), b, b + n);
    };
    append(&eh, sizeof eh);
    append(ph.data(), ph.size() * sizeof(Elf64_Phdr));
    append(notes.data(), notes.size());
    return out;
}

}  // namespace ukmon::coredump
