// The --gdb stub without a socket or a VM: the packet layer (framing, checksums, escaping,
// hex) byte by byte, gdb's amd64 register layout, and whole sessions of a scripted "gdb"
// against a fake machine — breakpoints never leak into what gdb reads, memory outside the
// guest is an error reply, detach and disconnect remove every planted int3.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "backends/kvm/gdb/gdb_packet.hpp"
#include "backends/kvm/gdb/gdb_registers.hpp"
#include "backends/kvm/gdb/gdb_session.hpp"
#include "backends/kvm/gdb/gdb_stub.hpp"
#include "monitor/cli.hpp"
#include "monitor/error.hpp"

using namespace ukmon;
using namespace ukmon::gdb;

namespace {

std::vector<Incoming> feed_all(PacketReader& r, std::string_view bytes) {
    std::vector<Incoming> out;
    for (char c : bytes)
        if (auto in = r.feed(c)) out.push_back(*in);
    return out;
}

// "gdb": a script of byte chunks to read, and everything the stub wrote.
struct ScriptedGdb final : Channel {
    std::deque<std::string> chunks;
    std::string written;
    size_t read(std::span<char> buf) override {
        if (chunks.empty()) return 0;  // the debugger hung up
        std::string c = chunks.front();
        chunks.pop_front();
        REQUIRE(c.size() <= buf.size());
        std::memcpy(buf.data(), c.data(), c.size());
        return c.size();
    }
    bool write(std::string_view bytes) override {
        written.append(bytes);
        return true;
    }
    void send(std::string_view payload) { chunks.push_back(frame(payload)); }
    // The payloads of the packets the stub sent, in order (acks skipped), checksums checked.
    std::vector<std::string> replies() const {
        std::vector<std::string> out;
        PacketReader r(1 << 20);
        for (const Incoming& in : feed_all(r, written)) {
            CHECK(in.kind != Incoming::Kind::bad_checksum);
            if (in.kind == Incoming::Kind::packet) out.push_back(*unescape(in.payload));
        }
        return out;
    }
};

// A machine with memory [base, base + size) and a register file.
constexpr uint64_t base = 0x100000;
struct FakeMachine final : Target {
    std::vector<std::byte> mem = std::vector<std::byte>(0x2000, std::byte{0x90});
    std::array<std::byte, register_file_size> regs{};
    bool read_memory(uint64_t addr, std::span<std::byte> out) override {
        if (addr < base || addr - base > mem.size() || out.size() > mem.size() - (addr - base)) return false;
        std::memcpy(out.data(), mem.data() + (addr - base), out.size());
        return true;
    }
    bool write_memory(uint64_t addr, std::span<const std::byte> in) override {
        if (addr < base || addr - base > mem.size() || in.size() > mem.size() - (addr - base)) return false;
        std::memcpy(mem.data() + (addr - base), in.data(), in.size());
        return true;
    }
    void read_registers(std::span<std::byte, register_file_size> out) override {
        std::memcpy(out.data(), regs.data(), regs.size());
    }
    void write_registers(std::span<const std::byte, register_file_size> in) override {
        std::memcpy(regs.data(), in.data(), regs.size());
    }
    uint8_t at(uint64_t addr) const { return uint8_t(mem[addr - base]); }
    uint64_t rip() const {
        uint64_t v;
        std::memcpy(&v, regs.data() + 128, 8);
        return v;
    }
};

// One stop served to a script: the replies and how the debugger let go.
struct Session {
    ScriptedGdb gdb;
    FakeMachine machine;
    Stub stub{gdb, machine};
    Resume serve(bool announce = false, StopReason why = {}) { return stub.serve(why, announce); }
};

}  // namespace

// ---- framing --------------------------------------------------------------------------------

TEST_CASE("a packet is framed with the sum of its bytes mod 256 as two hex digits") {
    CHECK(checksum("") == 0);
    CHECK(checksum("OK") == 0x9a);
    CHECK(frame("OK") == "$OK#9a");
    CHECK(frame("") == "$#00");
    CHECK(frame("g") == "$g#67");
}

TEST_CASE("$ # } * inside a payload are escaped, and the checksum covers what was sent") {
    std::string f = frame("a$b#c}d*");
    CHECK(f.substr(0, f.size() - 3) == "$a}\x04" "b}\x03" "c}]d}\x0a");
    char sum[3];
    std::snprintf(sum, sizeof sum, "%02x", checksum(f.substr(1, f.size() - 4)));
    CHECK(f.substr(f.size() - 3) == std::string("#") + sum);
    PacketReader r;
    auto in = feed_all(r, f);
    REQUIRE(in.size() == 1);
    CHECK(in[0].kind == Incoming::Kind::packet);
    CHECK(*unescape(in[0].payload) == "a$b#c}d*");
}

TEST_CASE("the reader sees acks, interrupts and packets in any split of the stream") {
    std::string stream = std::string("+-\x03junk") + frame("m100000,4") + "+";
    PacketReader whole;
    auto a = feed_all(whole, stream);
    REQUIRE(a.size() == 5);
    CHECK(a[0].kind == Incoming::Kind::ack);
    CHECK(a[1].kind == Incoming::Kind::nack);
    CHECK(a[2].kind == Incoming::Kind::interrupt);
    CHECK(a[3].kind == Incoming::Kind::packet);
    CHECK(a[3].payload == "m100000,4");
    CHECK(a[4].kind == Incoming::Kind::ack);
    PacketReader bytewise;
    std::vector<Incoming> b;
    for (char c : stream)
        for (auto& in : feed_all(bytewise, std::string(1, c))) b.push_back(in);
    REQUIRE(b.size() == a.size());
    CHECK(b[3].payload == "m100000,4");
}

TEST_CASE("a wrong or non-hex checksum is reported, never passed on as a packet") {
    PacketReader r;
    auto in = feed_all(r, "$g#68$g#zz$g#67");
    REQUIRE(in.size() == 3);
    CHECK(in[0].kind == Incoming::Kind::bad_checksum);
    CHECK(in[1].kind == Incoming::Kind::bad_checksum);
    CHECK(in[2].kind == Incoming::Kind::packet);
}

TEST_CASE("an escaped # does not end the packet, and a $ inside one starts it again") {
    PacketReader r;
    std::string payload = "X100000,1:}\x03";  // binary '#'
    char sum[3];
    std::snprintf(sum, sizeof sum, "%02x", checksum(payload));
    auto in = feed_all(r, "$" + payload + "#" + sum);
    REQUIRE(in.size() == 1);
    CHECK(in[0].kind == Incoming::Kind::packet);
    CHECK(*unescape(in[0].payload) == "X100000,1:#");
    auto again = feed_all(r, "$garbage$g#67");
    REQUIRE(again.size() == 1);
    CHECK(again[0].payload == "g");
}

TEST_CASE("a packet longer than the limit is dropped as bad, and the reader stays bounded") {
    PacketReader r(8);
    std::string big(100, 'a');
    auto in = feed_all(r, frame(big) + frame("g"));
    REQUIRE(in.size() == 2);
    CHECK(in[0].kind == Incoming::Kind::bad_checksum);
    CHECK(in[1].payload == "g");
}

TEST_CASE("unescape undoes } escapes and refuses data that ends inside one") {
    CHECK(*unescape("a}\x03}]") == "a#}");
    CHECK_FALSE(unescape("abc}").has_value());
}

TEST_CASE("hex: two lower-case digits per byte; odd lengths, bad digits and >64-bit numbers refused") {
    std::vector<std::byte> bytes{std::byte{0x00}, std::byte{0xAB}, std::byte{0x7F}};
    CHECK(to_hex(bytes) == "00ab7f");
    CHECK(*from_hex("00AB7f") == bytes);
    CHECK_FALSE(from_hex("abc").has_value());
    CHECK_FALSE(from_hex("zz").has_value());
    CHECK(*parse_hex_number("100000") == 0x100000);
    CHECK(*parse_hex_number("ffffffffffffffff") == UINT64_MAX);
    CHECK_FALSE(parse_hex_number("").has_value());
    CHECK_FALSE(parse_hex_number("1ffffffffffffffff").has_value());
    CHECK_FALSE(parse_hex_number("12g").has_value());
}

// ---- registers ------------------------------------------------------------------------------

TEST_CASE("the register file has gdb's amd64 layout: 57 registers, 536 bytes") {
    CHECK(register_slot(0)->offset == 0);      // rax
    CHECK(register_slot(7)->offset == 56);     // rsp
    CHECK(register_slot(16)->offset == 128);   // rip
    CHECK(register_slot(17)->offset == 136);   // eflags, 4 bytes
    CHECK(register_slot(17)->size == 4);
    CHECK(register_slot(18)->offset == 140);   // cs
    CHECK(register_slot(24)->offset == 164);   // st0, 10 bytes
    CHECK(register_slot(24)->size == 10);
    CHECK(register_slot(32)->offset == 244);   // fctrl
    CHECK(register_slot(40)->offset == 276);   // xmm0, 16 bytes
    CHECK(register_slot(56)->offset == 532);   // mxcsr
    CHECK(register_slot(56)->offset + register_slot(56)->size == register_file_size);
    CHECK_FALSE(register_slot(57).has_value());
}

TEST_CASE("GPRs go in gdb's order (rax rbx rcx rdx rsi rdi rbp rsp r8..r15), not KVM's") {
    CpuState cpu{};
    cpu.regs.rax = 1, cpu.regs.rbx = 2, cpu.regs.rcx = 3, cpu.regs.rdx = 4, cpu.regs.rsi = 5;
    cpu.regs.rdi = 6, cpu.regs.rbp = 7, cpu.regs.rsp = 8, cpu.regs.r8 = 9, cpu.regs.r15 = 16;
    cpu.regs.rip = 0x100123;
    cpu.regs.rflags = 0x246;
    cpu.sregs.cs.selector = 0x23;
    cpu.sregs.ss.selector = 0x1b;
    std::array<std::byte, register_file_size> file;
    to_register_file(cpu, file);
    auto u64 = [&](size_t at) { uint64_t v; std::memcpy(&v, file.data() + at, 8); return v; };
    auto u32 = [&](size_t at) { uint32_t v; std::memcpy(&v, file.data() + at, 4); return v; };
    for (unsigned i = 0; i < 9; ++i) CHECK(u64(8 * i) == i + 1);
    CHECK(u64(15 * 8) == 16);
    CHECK(u64(128) == 0x100123);
    CHECK(u32(136) == 0x246);
    CHECK(u32(140) == 0x23);
    CHECK(u32(144) == 0x1b);

    CpuState back = cpu;
    back.regs = {};
    CHECK_FALSE(from_register_file(file, back));  // no x87/SSE change
    CHECK(back.regs.rax == 1);
    CHECK(back.regs.rsp == 8);
    CHECK(back.regs.r15 == 16);
    CHECK(back.regs.rip == 0x100123);
    CHECK(back.regs.rflags == 0x246);
}

TEST_CASE("x87/SSE come from the XSAVE area; a change marks x87 and SSE in use for KVM_SET_XSAVE") {
    CpuState cpu{};
    uint16_t fcw = 0x37f;
    uint32_t mxcsr = 0x1f80;
    std::memcpy(cpu.xsave + 0, &fcw, 2);
    std::memcpy(cpu.xsave + 24, &mxcsr, 4);
    cpu.xsave[160 + 16] = std::byte{0x5A};  // xmm1 byte 0
    std::array<std::byte, register_file_size> file;
    to_register_file(cpu, file);
    uint32_t v;
    std::memcpy(&v, file.data() + register_slot(32)->offset, 4);
    CHECK(v == 0x37f);
    std::memcpy(&v, file.data() + register_slot(56)->offset, 4);
    CHECK(v == 0x1f80);
    std::memcpy(&v, file.data() + register_slot(34)->offset, 4);  // ftag: all empty
    CHECK(v == 0xFFFF);
    CHECK(file[register_slot(41)->offset] == std::byte{0x5A});

    file[register_slot(42)->offset] = std::byte{7};  // xmm2 byte 0
    CHECK(from_register_file(file, cpu));
    CHECK(cpu.xsave[160 + 32] == std::byte{7});
    uint64_t bv;
    std::memcpy(&bv, cpu.xsave + 512, 8);
    CHECK((bv & 3) == 3);
}

TEST_CASE("x87 tag words: abridged bits become valid/zero/special/empty from the values") {
    alignas(16) std::array<std::byte, 128> st{};
    // ST(0) = 1.0 (normal), ST(1) = 0.0, ST(2) = infinity; top = 5, so ST(i) is phys 5+i.
    uint64_t one_mant = 1ull << 63;
    uint16_t one_exp = 0x3FFF, inf_exp = 0x7FFF;
    std::memcpy(st.data(), &one_mant, 8);
    std::memcpy(st.data() + 8, &one_exp, 2);
    std::memcpy(st.data() + 32, &one_mant, 8);
    std::memcpy(st.data() + 40, &inf_exp, 2);
    uint16_t fsw = 5 << 11;
    uint8_t abridged = (1 << 5) | (1 << 6) | (1 << 7);
    uint16_t full = full_tag_word(abridged, fsw, st);
    CHECK(((full >> 10) & 3) == 0);  // phys 5 = ST(0): valid
    CHECK(((full >> 12) & 3) == 1);  // phys 6 = ST(1): zero
    CHECK(((full >> 14) & 3) == 2);  // phys 7 = ST(2): special
    CHECK((full & 0x3FF) == 0x3FF);  // phys 0..4: empty
    CHECK(abridged_tag_word(full) == abridged);
    CHECK(full_tag_word(0, 0, st) == 0xFFFF);
}

// ---- sessions -------------------------------------------------------------------------------

TEST_CASE("the first stop is answered when gdb asks '?'; every packet is acked; unknown ones get ''") {
    Session s;
    s.gdb.send("qSupported:multiprocess+;swbreak+");
    s.gdb.send("?");
    s.gdb.send("vMustReplyEmpty");
    s.gdb.send("qAttached");
    s.gdb.send("vCont?");
    s.gdb.send("c");
    Resume r = s.serve();
    CHECK(r.kind == Resume::Kind::cont);
    CHECK(r.signal == 0);
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 5);
    CHECK(replies[0] == "PacketSize=4000;swbreak+");
    CHECK(replies[1] == "S05");
    CHECK(replies[2] == "");
    CHECK(replies[3] == "1");
    CHECK(replies[4] == "vCont;c;C;s;S");
    CHECK(s.gdb.written.substr(0, 1) == "+");
}

TEST_CASE("a later stop is announced; at a planted breakpoint it says swbreak") {
    Session s;
    s.gdb.send("s");
    CHECK(s.serve(true, {sig_segv, false}).kind == Resume::Kind::step);
    s.gdb.send("c");
    CHECK(s.serve(true, {sig_trap, true}).kind == Resume::Kind::cont);
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0] == "S0b");
    CHECK(replies[1] == "T05swbreak:;");
}

TEST_CASE("g reads the whole register file; G, P and 'c ADDR' write it; unknown registers are unavailable") {
    Session s;
    s.machine.regs[0] = std::byte{0x11};  // rax
    s.gdb.send("g");
    s.gdb.send("P10=3412100000000000");   // rip = 0x101234
    s.gdb.send("p10");
    s.gdb.send("p39");                    // fs_base in some gdb layouts: not here
    s.gdb.send("P39=00");
    s.gdb.send("G22");                    // a short G writes the registers it covers
    s.gdb.send("Gzz");
    s.gdb.send("c100040");
    CHECK(s.serve().kind == Resume::Kind::cont);
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 7);
    CHECK(replies[0].size() == 2 * register_file_size);
    CHECK(replies[0].substr(0, 4) == "1100");
    CHECK(replies[1] == "OK");
    CHECK(replies[2] == "3412100000000000");
    CHECK(replies[3] == "xx");
    CHECK(replies[4] == "E01");
    CHECK(replies[5] == "OK");
    CHECK(replies[6] == "E01");
    CHECK(s.machine.regs[0] == std::byte{0x22});
    CHECK(s.machine.rip() == 0x100040);
}

TEST_CASE("memory inside the guest reads and writes; outside, or crossing its end, is E14 and touches nothing") {
    Session s;
    s.machine.mem[0x10] = std::byte{0xAB};
    s.gdb.send("m100010,2");
    s.gdb.send("M100020,2:beef");
    s.gdb.send("m10,4");                  // below guest memory
    s.gdb.send("m101ffe,4");              // crosses the end
    s.gdb.send("mffffffffffffffff,2");    // wraps
    s.gdb.send("M101fff,2:0000");
    s.gdb.send("M100020,3:beef");         // length does not match the data
    s.gdb.send("m100000,100000");         // clamped to one reply's worth
    s.gdb.send("k");
    CHECK(s.serve().kind == Resume::Kind::kill);
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 8);
    CHECK(replies[0] == "ab90");
    CHECK(replies[1] == "OK");
    CHECK(s.machine.at(0x100020) == 0xBE);
    CHECK(s.machine.at(0x100021) == 0xEF);
    CHECK(replies[2] == "E14");
    CHECK(replies[3] == "E14");
    CHECK(replies[4] == "E14");
    CHECK(replies[5] == "E14");
    CHECK(s.machine.at(0x101fff) == 0x90);
    CHECK(replies[6] == "E01");
    CHECK(replies[7].size() == 2 * Stub::max_memory_reply);
}

TEST_CASE("X writes escaped binary data") {
    Session s;
    s.gdb.send("X100000,3:#$a");  // framing escapes the binary '#' and '$'
    s.gdb.send("X100000,0:");  // gdb's probe
    s.gdb.send("k");
    s.serve();
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0] == "OK");
    CHECK(replies[1] == "OK");
    CHECK(s.machine.at(0x100000) == '#');
    CHECK(s.machine.at(0x100001) == '$');
    CHECK(s.machine.at(0x100002) == 'a');
}

TEST_CASE("a breakpoint plants int3, gdb still reads the original byte, and z0 restores it") {
    Session s;
    s.machine.mem[0x40] = std::byte{0x55};
    s.gdb.send("Z0,100040,1");
    s.gdb.send("Z0,100040,1");  // twice: still one breakpoint
    s.gdb.send("m100040,1");
    s.gdb.send("c");
    CHECK(s.serve().kind == Resume::Kind::cont);
    CHECK(s.machine.at(0x100040) == 0xCC);
    CHECK(s.stub.has_breakpoint(0x100040));
    CHECK(s.stub.breakpoint_count() == 1);
    s.gdb.send("z0,100040,1");
    s.gdb.send("z0,100040,1");  // removing what is not there is fine
    s.gdb.send("c");
    s.serve(true);
    CHECK(s.machine.at(0x100040) == 0x55);
    CHECK_FALSE(s.stub.has_breakpoint(0x100040));
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 6);
    CHECK(replies[0] == "OK");
    CHECK(replies[1] == "OK");
    CHECK(replies[2] == "55");
    CHECK(replies[4] == "OK");
    CHECK(replies[5] == "OK");
}

TEST_CASE("breakpoints outside guest memory, of other kinds, or too many are refused") {
    Session s;
    s.gdb.send("Z0,10,1");
    s.gdb.send("Z1,100000,1");  // hardware breakpoint: not supported
    s.gdb.send("Z2,100000,4");  // watchpoint: not supported
    for (unsigned i = 0; i <= Stub::max_breakpoints; ++i) {
        char p[32];
        std::snprintf(p, sizeof p, "Z0,%x,1", unsigned(base + i));
        s.gdb.send(p);
    }
    s.gdb.send("k");
    s.serve();
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 3 + Stub::max_breakpoints + 1);
    CHECK(replies[0] == "E0e");
    CHECK(replies[1] == "");
    CHECK(replies[2] == "");
    CHECK(replies[3 + Stub::max_breakpoints - 1] == "OK");
    CHECK(replies.back() == "E0e");
    CHECK(s.stub.breakpoint_count() == Stub::max_breakpoints);
}

TEST_CASE("a write over a planted breakpoint changes the byte it restores, and the int3 stays") {
    Session s;
    s.gdb.send("Z0,100041,1");
    s.gdb.send("M100040,3:aabbcc");
    s.gdb.send("m100040,3");
    s.gdb.send("c");
    s.serve();
    CHECK(s.machine.at(0x100040) == 0xAA);
    CHECK(s.machine.at(0x100041) == 0xCC);
    CHECK(s.machine.at(0x100042) == 0xCC);  // the data's own 0xcc
    CHECK(s.gdb.replies()[2] == "aabbcc");
    s.gdb.send("z0,100041,1");
    s.gdb.send("c");
    s.serve(true);
    CHECK(s.machine.at(0x100041) == 0xBB);
}

TEST_CASE("detach answers OK and removes every breakpoint; so does a debugger that hangs up") {
    Session s;
    s.gdb.send("Z0,100000,1");
    s.gdb.send("Z0,100100,1");
    s.gdb.send("D;1");
    CHECK(s.serve().kind == Resume::Kind::detach);
    CHECK(s.machine.at(0x100000) == 0x90);
    CHECK(s.machine.at(0x100100) == 0x90);
    CHECK(s.gdb.replies().back() == "OK");

    Session t;
    t.gdb.send("Z0,100000,1");
    CHECK(t.serve().kind == Resume::Kind::disconnected);  // end of the script: EOF
    CHECK(t.machine.at(0x100000) == 0x90);
    CHECK(t.stub.breakpoint_count() == 0);
}

TEST_CASE("resume packets: c s C S with signals and addresses, vCont with its first action") {
    struct Case {
        const char* packet;
        Resume::Kind kind;
        int signal;
    } cases[] = {
        {"c", Resume::Kind::cont, 0},           {"s", Resume::Kind::step, 0},
        {"C0b", Resume::Kind::cont, 11},        {"S05;100000", Resume::Kind::step, 5},
        {"vCont;c", Resume::Kind::cont, 0},     {"vCont;s:1;c", Resume::Kind::step, 0},
        {"vCont;C0b:1", Resume::Kind::cont, 11}, {"vCont;S05", Resume::Kind::step, 5},
        {"vKill;1", Resume::Kind::kill, 0},
    };
    for (const Case& c : cases) {
        INFO(c.packet);
        Session s;
        s.gdb.send(c.packet);
        Resume r = s.serve();
        CHECK(r.kind == c.kind);
        CHECK(r.signal == c.signal);
    }
    Session bad;
    bad.gdb.send("vCont;t");
    bad.gdb.send("Cxyz");
    bad.gdb.send("c1234zz");
    CHECK(bad.serve().kind == Resume::Kind::disconnected);
    auto replies = bad.gdb.replies();
    REQUIRE(replies.size() == 3);
    for (auto& r : replies) CHECK(r == "E01");
}

TEST_CASE("a corrupted packet is nacked, and gdb's nack gets the last reply again") {
    Session s;
    s.gdb.chunks.push_back("$g#00");  // wrong checksum
    s.gdb.send("m100000,1");
    s.gdb.chunks.push_back("-");
    s.gdb.send("k");
    s.serve();
    CHECK(s.gdb.written.substr(0, 1) == "-");
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0] == "90");
    CHECK(replies[1] == "90");
}

TEST_CASE("bytes after a resume command are kept for the next stop") {
    Session s;
    s.gdb.chunks.push_back(frame("c") + frame("m100000,1") + frame("k"));
    CHECK(s.serve().kind == Resume::Kind::cont);
    CHECK(s.serve(true).kind == Resume::Kind::kill);
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0] == "S05");
    CHECK(replies[1] == "90");
}

TEST_CASE("the end of the run is W with the exit status or X with the signal") {
    Session s;
    s.stub.report_exit(42);
    s.stub.report_signal_exit(sig_segv);
    auto replies = s.gdb.replies();
    REQUIRE(replies.size() == 2);
    CHECK(replies[0] == "W2a");
    CHECK(replies[1] == "X0b");
}

TEST_CASE("x86 exception vectors map to the signals gdb shows") {
    CHECK(kvm::signal_for_vector(0) == sig_fpe);
    CHECK(kvm::signal_for_vector(1) == sig_trap);
    CHECK(kvm::signal_for_vector(3) == sig_trap);
    CHECK(kvm::signal_for_vector(6) == sig_ill);
    CHECK(kvm::signal_for_vector(13) == sig_segv);
    CHECK(kvm::signal_for_vector(14) == sig_segv);
    CHECK(kvm::signal_for_vector(17) == sig_bus);
    CHECK(kvm::signal_for_vector(19) == sig_fpe);
}

// ---- command line -----------------------------------------------------------------------------

TEST_CASE("--gdb=PORT takes a TCP port 0..65535 (0: any free port) and names itself when bad") {
    std::vector<std::string_view> none;
    auto parse = [&](std::string_view a) {
        std::vector<std::string_view> args{a};
        return parse_cli(args, none);
    };
    CHECK_FALSE(parse("--verbose").gdb_port.has_value());
    CHECK(*parse("--gdb=1234").gdb_port == 1234);
    CHECK(*parse("--gdb=0").gdb_port == 0);
    CHECK(*parse("--gdb=65535").gdb_port == 65535);
    for (std::string_view bad : {"--gdb=65536", "--gdb=", "--gdb=x", "--gdb=12a", "--gdb=-1"}) {
        INFO(bad);
        std::string msg;
        try {
            parse(bad);
        } catch (const UsageError& e) {
            msg = e.what();
        }
        CHECK(msg.find("bad option '" + std::string(bad) + "'") == 0);
        CHECK(msg.find("TCP port") != std::string::npos);
    }
}
