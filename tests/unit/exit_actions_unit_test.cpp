// The exit actions' pure parts: the --stats JSON (valid, escaped, never overflowing its
// buffer), the guest regions a core may hold (and the check the supervisor applies to them),
// the core file's headers, the scrub (zeroes what holds data, never faults in untouched
// memory), the vector-to-signal table, and the new flags.
#include <doctest/doctest.h>
#include <elf.h>
#include <sys/mman.h>
#include <sys/procfs.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "monitor/cli.hpp"
#include "monitor/coredump.hpp"
#include "monitor/error.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "monitor/scrub.hpp"
#include "monitor/stats.hpp"
#include "arch/x86_64/registers.hpp"
#include "tests/integration/json_lite.hpp"
#include "tests/unit/build_files.hpp"
#include "tests/unit/ukmon_rights.hpp"

using namespace ukmon;

namespace {

struct Ctx {
    std::vector<std::byte> ram = std::vector<std::byte>(4 << 20);
    GuestMemory mem{ram.data(), 0, ram.size()};
    RunContext ctx{mem, 1, {}, {}};
};

std::string format(const stats::Report& r, size_t size = 16384) {
    std::string buf(size, '\0');
    size_t n = stats::format_json(buf.data(), buf.size(), r);
    return buf.substr(0, n);
}

Options parse(std::vector<std::string_view> args) { return parse_cli(args, std::vector<std::string_view>{}); }

std::string parse_error(std::vector<std::string_view> args) {
    try {
        parse(args);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

// Resident (not zero-page) kilobytes of the mapping that starts at `addr`, from smaps.
long rss_kb(const void* addr) {
    char want[32];
    std::snprintf(want, sizeof want, "%lx-", reinterpret_cast<unsigned long>(addr));
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool in = false;
    while (std::getline(smaps, line)) {
        if (line.find('-') != std::string::npos && line.find(' ') > line.find('-') && isxdigit(line[0]))
            in = line.rfind(want, 0) == 0;
        if (in && line.rfind("Rss:", 0) == 0) return std::stol(line.substr(4));
    }
    return -1;
}

}  // namespace

TEST_CASE("stats: a halt's report is valid JSON with the counts, the cookie in hex and every hypercall") {
    Ctx c;
    c.ctx.hypercall_counts[UK_HC_PUTS] = 3;
    c.ctx.hypercall_ns[UK_HC_PUTS] = 1234;
    c.ctx.console_bytes = 42;
    HaltRequest h;
    h.status = 9;
    h.cookie[0] = std::byte{0xab};
    h.cookie[1] = std::byte{0x01};
    h.cookie_len = 2;
    c.ctx.halt = h;
    RunOutcome o = RunOutcome::halted(9);
    DeviceCounters devs[] = {{"blk", "storage", 2, 1024, 512}};
    stats::Report r;
    r.program = "app";
    r.backend = "kvm";
    r.mem_bytes = 64 << 20;
    r.outcome = &o;
    r.exit_code = 9;
    r.ctx = &c.ctx;
    r.monitor_start_ns = 100;
    r.guest_start_ns = 300;
    r.end_ns = 1000;
    r.devices = devs;
    auto v = json_lite::parse(format(r));
    CHECK(v["exit"]["kind"].str() == "halted");
    CHECK(v["exit"]["code"].u64() == 9);
    CHECK(v["exit"]["cookie_hex"].str() == "ab01");
    CHECK(v["time_ns"]["boot"].u64() == 200);
    CHECK(v["time_ns"]["run"].u64() == 700);
    CHECK(v["time_ns"]["total"].u64() == 900);
    CHECK(v["hypercalls"].members.size() == UK_HC_MAX);
    CHECK(v["hypercalls"]["puts"]["count"].u64() == 3);
    CHECK(v["hypercalls"]["puts"]["time_ns"].u64() == 1234);
    REQUIRE(v["devices"].items.size() == 2);
    CHECK(v["devices"].items[0]["bytes_out"].u64() == 42);
    CHECK(v["devices"].items[1]["name"].str() == "storage");
    CHECK(v["devices"].items[1]["bytes_in"].u64() == 1024);
}

TEST_CASE("stats: a diagnosis with quotes, backslashes and control characters is escaped; only its first line is the reason") {
    RunOutcome o = RunOutcome::make(RunOutcome::Kind::crashed, "guest \"x\\y\" \x01 crashed\n  rip=0x1");
    stats::Report r;
    r.outcome = &o;
    r.exit_code = 255;
    r.monitor_start_ns = 1;
    r.end_ns = 2;
    auto v = json_lite::parse(format(r));
    CHECK(v["exit"]["reason"].str() == "guest \"x\\y\" \x01 crashed");
    CHECK(v["exit"]["halt_status"].is_null());
    CHECK(v["backend"].is_null());
    CHECK(v["time_ns"]["boot"].is_null());  // the guest never started
}

TEST_CASE("stats: a buffer too small gives 0, never a cut-off report") {
    RunOutcome o = RunOutcome::halted(0);
    stats::Report r;
    r.outcome = &o;
    char small[200];
    CHECK(stats::format_json(small, sizeof small, r) == 0);
    CHECK(format(r).size() > 200);
}

TEST_CASE("core regions: hello's boot area, segments, heap and stack, ascending; no private area, gate or guard") {
    GuestImage img = parse_guest_image(ukmon_test::read_build_file("examples/hello.elf"));
    const uint64_t mem = 64ull << 20;
    coredump::Regions r = coredump::guest_regions(ukmon_test::ukmon_rights(img, mem));
    auto all = r.all();
    REQUIRE(all.size() == 2 + img.segments.size() + 1);
    CHECK(coredump::valid_regions(all));
    CHECK(all.front().start == layout::boot_area);
    CHECK(all.front().flags == PF_R);
    CHECK(all[1].start == layout::image_base);
    CHECK((all[1].flags & PF_X));
    auto g = layout::regions(img.image_end, mem);
    CHECK(all.back().start == g.stack_low);
    CHECK(all.back().end == mem);
    CHECK(all[all.size() - 2].end == g.heap_end);  // the guard page is not in any region
    CHECK(coredump::region_of(all, g.heap_end, 1) == -1);
    CHECK(coredump::region_of(all, layout::gate_page, 1) == -1);
    CHECK(coredump::region_of(all, mem - 8, 8) == int(all.size() - 1));
    CHECK(coredump::region_of(all, mem - 8, 9) == -1);
}

TEST_CASE("core regions from elsewhere are refused unless sorted, page aligned, disjoint and below 4 GiB") {
    using R = coredump::Region;
    auto ok = [](std::vector<R> v) { return coredump::valid_regions(v); };
    CHECK(ok({{0x1000, 0x2000, PF_R}, {0x2000, 0x3000, PF_R | PF_W}}));
    CHECK_FALSE(ok({}));
    CHECK_FALSE(ok({{0x1000, 0x1000, PF_R}}));                          // empty
    CHECK_FALSE(ok({{0x1001, 0x2000, PF_R}}));                          // unaligned
    CHECK_FALSE(ok({{0x2000, 0x3000, PF_R}, {0x1000, 0x2000, PF_R}}));  // descending
    CHECK_FALSE(ok({{0x1000, 0x3000, PF_R}, {0x2000, 0x4000, PF_R}}));  // overlapping
    CHECK_FALSE(ok({{0xFFFFF000ull, 0x100001000ull, PF_R}}));           // past 4 GiB
    CHECK_FALSE(ok({{0x1000, 0x2000, 0x10}}));                          // unknown flag
    CHECK_FALSE(ok(std::vector<R>(coredump::max_regions + 1, R{0x1000, 0x2000, PF_R})));
}

TEST_CASE("core layout: an x86_64 ET_CORE with one PT_NOTE (NT_PRSTATUS, the registers) and a PT_LOAD per region") {
    std::vector<coredump::Region> regions{{0xF0000, 0xFF000, PF_R}, {0x100000, 0x102000, PF_R | PF_X}};
    GuestStop stop;
    stop.known = true;
    stop.signal = SIGSEGV;
    stop.regs.rip = 0x100010;
    stop.regs.rsp = 0x3ffff98;
    coredump::Layout l = coredump::layout(regions, stop, 1234, "app");
    REQUIRE(l.head.size() >= sizeof(Elf64_Ehdr));
    Elf64_Ehdr eh;
    std::memcpy(&eh, l.head.data(), sizeof eh);
    CHECK(std::memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0);
    CHECK(eh.e_type == ET_CORE);
    CHECK(eh.e_machine == EM_X86_64);
    REQUIRE(eh.e_phnum == 3);
    std::vector<Elf64_Phdr> ph(3);
    std::memcpy(ph.data(), l.head.data() + eh.e_phoff, 3 * sizeof(Elf64_Phdr));
    CHECK(ph[0].p_type == PT_NOTE);
    CHECK(ph[0].p_offset + ph[0].p_filesz == l.head.size());
    for (size_t i = 0; i < 2; ++i) {
        CHECK(ph[i + 1].p_type == PT_LOAD);
        CHECK(ph[i + 1].p_vaddr == regions[i].start);
        CHECK(ph[i + 1].p_filesz == regions[i].end - regions[i].start);
        CHECK(ph[i + 1].p_offset == l.offsets[i]);
        CHECK(l.offsets[i] % 4096 == 0);
        CHECK(l.offsets[i] >= l.head.size());
    }
    CHECK(l.size == l.offsets[1] + 0x2000);
    // The note: "CORE", NT_PRSTATUS, the signal and rip where gdb looks for them.
    const std::byte* n = l.head.data() + ph[0].p_offset;
    uint32_t namesz, descsz, type;
    std::memcpy(&namesz, n, 4);
    std::memcpy(&descsz, n + 4, 4);
    std::memcpy(&type, n + 8, 4);
    CHECK(namesz == 5);
    CHECK(type == NT_PRSTATUS);
    REQUIRE(descsz == sizeof(elf_prstatus));
    elf_prstatus st;
    std::memcpy(&st, n + 12 + 8, sizeof st);
    CHECK(st.pr_cursig == SIGSEGV);
    CHECK(st.pr_pid == 1234);
    user_regs_struct u;
    std::memcpy(&u, &st.pr_reg, sizeof u);
    CHECK(u.rip == 0x100010);
    CHECK(u.rsp == 0x3ffff98);
}

TEST_CASE("scrub: pages holding data are zeroed and counted; untouched pages are not faulted in") {
    const size_t pages = 64;
    void* p = ::mmap(nullptr, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    ::madvise(p, pages * 4096, MADV_NOHUGEPAGE);
    auto* b = static_cast<std::byte*>(p);
    std::memcpy(b + 3 * 4096 + 100, "secret", 6);
    std::memcpy(b + 40 * 4096 + 4095, "k", 1);  // the last byte of a page counts too
    stats::ScrubReport report;
    scrub::zero_pages(b, pages * 4096, report);
    CHECK(report.done);
    CHECK(report.pages_checked == pages);
    CHECK(report.pages_zeroed == 2);
    for (size_t i = 0; i < pages * 4096; ++i)
        if (b[i] != std::byte{0}) FAIL("byte " << i << " is not zero");
    long rss = rss_kb(p);
    CHECK(rss >= 0);
    CHECK(rss <= 8);  // only the two written pages; reading the rest mapped the zero page
    ::munmap(p, pages * 4096);
}

TEST_CASE("x86 exceptions map to the signals Linux sends a process for them") {
    CHECK(x86::signal_for_vector(0) == SIGFPE);
    CHECK(x86::signal_for_vector(3) == SIGTRAP);
    CHECK(x86::signal_for_vector(6) == SIGILL);
    CHECK(x86::signal_for_vector(13) == SIGSEGV);
    CHECK(x86::signal_for_vector(14) == SIGSEGV);
    CHECK(x86::signal_for_vector(17) == SIGBUS);
    CHECK(x86::signal_for_vector(19) == SIGFPE);
}

TEST_CASE("cli: --stats=FILE, --dumpcore=DIR, --dumpcore-on-halt (needs --dumpcore) and --scrub") {
    Options o = parse({"--stats=/tmp/s.json", "--dumpcore=/tmp/cores", "--dumpcore-on-halt", "--scrub"});
    CHECK(o.stats_path == "/tmp/s.json");
    CHECK(o.dumpcore_dir == "/tmp/cores");
    CHECK(o.dumpcore_on_halt);
    CHECK(o.scrub);
    Options d = parse({});
    CHECK(d.stats_path.empty());
    CHECK(d.dumpcore_dir.empty());
    CHECK_FALSE(d.dumpcore_on_halt);
    CHECK_FALSE(d.scrub);
    CHECK(parse_error({"--stats="}).find("'--stats='") != std::string::npos);
    CHECK(parse_error({"--dumpcore="}).find("'--dumpcore='") != std::string::npos);
    CHECK(parse_error({"--dumpcore-on-halt"}).find("--dumpcore=DIR") != std::string::npos);
    CHECK(parse_error({"--scrub=yes"}).find("unknown option") != std::string::npos);
    CHECK(usage_text("app").find("--dumpcore=DIR") != std::string::npos);
    CHECK(exit_codes_text().find("254") != std::string::npos);
}
