// The GDB remote command set over a Channel and a Target (see gdb_stub.hpp).
#include "backends/kvm/gdb/gdb_stub.hpp"

#include <cstdio>
#include <cstring>
#include <vector>

namespace ukmon::gdb {
namespace {

constexpr std::byte int3{0xCC};

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// "ADDR,LEN" (then an optional ":..." left in `rest`).
bool parse_addr_len(std::string_view args, uint64_t& addr, uint64_t& len, std::string_view* rest = nullptr) {
    auto comma = args.find(',');
    if (comma == std::string_view::npos) return false;
    auto colon = args.find(':', comma);
    auto a = parse_hex_number(args.substr(0, comma));
    auto l = parse_hex_number(args.substr(comma + 1, colon == std::string_view::npos ? colon : colon - comma - 1));
    if (!a || !l) return false;
    addr = *a;
    len = *l;
    if (rest) {
        if (colon == std::string_view::npos) return false;
        *rest = args.substr(colon + 1);
    }
    return true;
}

}  // namespace

Stub::Stub(Channel& channel, Target& target) : channel_(channel), target_(target) {
    // Everything a session needs, allocated now: after the monitor's lockdown the heap must
    // not grow (see sandbox::reserve_heap).
    input_.reserve(4096);
    reply_.reserve(2 * max_packet);
    last_sent_.reserve(2 * max_packet + 8);
}

void Stub::send(std::string_view payload) {
    last_sent_ = frame(payload);
    channel_.write(last_sent_);
}

void Stub::stop_reply(const StopReason& why) {
    char buf[32];
    std::snprintf(buf, sizeof buf, why.sw_breakpoint ? "T%02xswbreak:;" : "S%02x", why.signal & 0xFF);
    send(buf);
}

void Stub::report_exit(int status) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "W%02x", status & 0xFF);
    send(buf);
}

void Stub::report_signal_exit(int signal) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "X%02x", signal & 0xFF);
    send(buf);
}

Resume Stub::serve(const StopReason& why, bool announce) {
    using K = Incoming::Kind;
    last_stop_ = why;
    if (announce) stop_reply(why);
    for (;;) {
        if (input_pos_ == input_.size()) {
            char buf[4096];
            size_t n = channel_.read(buf);
            if (n == 0) {
                remove_all_breakpoints();
                return Resume{Resume::Kind::disconnected, 0};
            }
            input_.assign(buf, n);
            input_pos_ = 0;
        }
        while (input_pos_ < input_.size()) {
            auto in = reader_.feed(input_[input_pos_++]);
            if (!in) continue;
            if (in->kind == K::nack) channel_.write(last_sent_);
            if (in->kind == K::bad_checksum) channel_.write("-");
            if (in->kind != K::packet) continue;  // acks; an interrupt while already stopped
            channel_.write("+");
            Resume r;
            if (handle(in->payload, r)) {
                if (r.kind == Resume::Kind::detach) remove_all_breakpoints();
                return r;
            }
        }
    }
}

// Returns true for a resume command (and fills `resume`); otherwise sends the reply.
bool Stub::handle(std::string_view p, Resume& resume) {
    reply_.clear();
    if (p.empty()) {
        send("");
        return false;
    }
    switch (p[0]) {
        case '?': stop_reply(last_stop_); return false;
        case 'g': read_registers_packet(); return false;
        case 'G': write_registers_packet(p.substr(1)); return false;
        case 'p': read_register_packet(p.substr(1)); return false;
        case 'P': write_register_packet(p.substr(1)); return false;
        case 'm': read_memory_packet(p.substr(1)); return false;
        case 'M': write_memory_packet(p.substr(1), false); return false;
        case 'X': write_memory_packet(p.substr(1), true); return false;
        case 'Z':
        case 'z': breakpoint_packet(p.substr(1), p[0] == 'Z'); return false;
        case 'H': send("OK"); return false;                 // one thread: any selection is it
        case 'T': send("OK"); return false;                 // thread 1 is alive
        case 'D':
            send("OK");
            resume = Resume{Resume::Kind::detach, 0};
            return true;
        case 'k': resume = Resume{Resume::Kind::kill, 0}; return true;  // gdb expects no reply
        case 'c':
        case 'C':
        case 's':
        case 'S': return resume_packet(p, resume);
        default: break;
    }
    if (starts_with(p, "qSupported")) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "PacketSize=%zx;swbreak+", max_packet);
        send(buf);
    } else if (p == "qAttached") {
        send("1");  // gdb detaches (not kills) when it quits: the guest runs on
    } else if (p == "qC") {
        send("QC1");
    } else if (p == "qfThreadInfo") {
        send("m1");
    } else if (p == "qsThreadInfo") {
        send("l");
    } else if (p == "vCont?") {
        send("vCont;c;C;s;S");
    } else if (starts_with(p, "vCont;")) {
        return resume_packet(p, resume);
    } else if (starts_with(p, "vKill")) {
        send("OK");
        resume = Resume{Resume::Kind::kill, 0};
        return true;
    } else {
        send("");  // not supported: gdb falls back or does without
    }
    return false;
}

// c [addr] | C sig[;addr] | s [addr] | S sig[;addr] | vCont;ACTION[:thread][;ACTION...]
bool Stub::resume_packet(std::string_view p, Resume& resume) {
    if (starts_with(p, "vCont;")) {
        // One thread: the first action is the one that applies to it.
        std::string_view action = p.substr(6);
        action = action.substr(0, action.find(';'));
        action = action.substr(0, action.find(':'));
        if (action.empty() || (action[0] != 'c' && action[0] != 'C' && action[0] != 's' && action[0] != 'S')) {
            send("E01");
            return false;
        }
        resume.kind = (action[0] == 's' || action[0] == 'S') ? Resume::Kind::step : Resume::Kind::cont;
        resume.signal = 0;
        if (action[0] == 'C' || action[0] == 'S') {
            auto sig = parse_hex_number(action.substr(1));
            if (!sig || *sig > 0xFF) {
                send("E01");
                return false;
            }
            resume.signal = int(*sig);
        }
        return true;
    }
    char cmd = p[0];
    std::string_view args = p.substr(1);
    resume.kind = (cmd == 's' || cmd == 'S') ? Resume::Kind::step : Resume::Kind::cont;
    resume.signal = 0;
    if (cmd == 'C' || cmd == 'S') {
        auto semi = args.find(';');
        auto sig = parse_hex_number(args.substr(0, semi));
        if (!sig || *sig > 0xFF) {
            send("E01");
            return false;
        }
        resume.signal = int(*sig);
        args = semi == std::string_view::npos ? std::string_view() : args.substr(semi + 1);
    }
    if (!args.empty()) {
        auto addr = parse_hex_number(args);
        if (!addr) {
            send("E01");
            return false;
        }
        set_pc(*addr);
    }
    return true;
}

void Stub::set_pc(uint64_t pc) {
    std::array<std::byte, register_file_size> file;
    target_.read_registers(file);
    auto slot = *register_slot(reg_rip);
    std::memcpy(file.data() + slot.offset, &pc, slot.size);
    target_.write_registers(file);
}

void Stub::read_registers_packet() {
    std::array<std::byte, register_file_size> file;
    target_.read_registers(file);
    append_hex(reply_, file);
    send(reply_);
}

// A G packet shorter than the file writes only the registers it covers.
void Stub::write_registers_packet(std::string_view hex) {
    auto bytes = from_hex(hex);
    if (!bytes || bytes->size() > register_file_size) {
        send("E01");
        return;
    }
    std::array<std::byte, register_file_size> file;
    target_.read_registers(file);
    std::memcpy(file.data(), bytes->data(), bytes->size());
    target_.write_registers(file);
    send("OK");
}

void Stub::read_register_packet(std::string_view args) {
    auto n = parse_hex_number(args);
    if (!n) {
        send("E01");
        return;
    }
    auto slot = *n < register_count ? register_slot(unsigned(*n)) : std::nullopt;
    if (!slot) {
        send("xx");  // a register this stub does not have (fs_base...): unavailable
        return;
    }
    std::array<std::byte, register_file_size> file;
    target_.read_registers(file);
    append_hex(reply_, std::span<const std::byte>(file).subspan(slot->offset, slot->size));
    send(reply_);
}

void Stub::write_register_packet(std::string_view args) {
    auto eq = args.find('=');
    auto n = parse_hex_number(args.substr(0, eq == std::string_view::npos ? 0 : eq));
    auto slot = n && *n < register_count ? register_slot(unsigned(*n)) : std::nullopt;
    auto bytes = slot ? from_hex(args.substr(eq + 1)) : std::nullopt;
    if (!bytes || bytes->size() != slot->size) {
        send("E01");
        return;
    }
    std::array<std::byte, register_file_size> file;
    target_.read_registers(file);
    std::memcpy(file.data() + slot->offset, bytes->data(), slot->size);
    target_.write_registers(file);
    send("OK");
}

void Stub::read_memory_packet(std::string_view args) {
    uint64_t addr, len;
    if (!parse_addr_len(args, addr, len)) {
        send("E01");
        return;
    }
    if (len > max_memory_reply) len = max_memory_reply;
    std::byte buf[max_memory_reply];
    std::span<std::byte> data(buf, size_t(len));
    if (!target_.read_memory(addr, data)) {
        send("E14");  // EFAULT: gdb says "Cannot access memory at address ..."
        return;
    }
    // gdb sees the program's bytes, not the int3s planted over them.
    for (size_t i = 0; i < count_; ++i)
        if (bps_[i].addr - addr < len) data[size_t(bps_[i].addr - addr)] = bps_[i].saved;
    append_hex(reply_, data);
    send(reply_);
}

void Stub::write_memory_packet(std::string_view args, bool binary) {
    uint64_t addr, len;
    std::string_view rest;
    if (!parse_addr_len(args, addr, len, &rest)) {
        send("E01");
        return;
    }
    std::vector<std::byte> data;
    if (binary) {
        auto raw = unescape(rest);
        if (!raw) {
            send("E01");
            return;
        }
        auto* first = reinterpret_cast<const std::byte*>(raw->data());
        data.assign(first, first + raw->size());
    } else {
        auto hex = from_hex(rest);
        if (!hex) {
            send("E01");
            return;
        }
        data = std::move(*hex);
    }
    if (data.size() != len) {
        send("E01");
        return;
    }
    if (len == 0) {  // gdb's probe for X support
        send("OK");
        return;
    }
    // A write over a planted breakpoint changes the byte it restores; the int3 stays.
    for (size_t i = 0; i < count_; ++i)
        if (bps_[i].addr - addr < len) {
            size_t at = size_t(bps_[i].addr - addr);
            bps_[i].saved = data[at];
            data[at] = int3;
        }
    send(target_.write_memory(addr, data) ? "OK" : "E14");
}

// Z0,ADDR,KIND / z0,ADDR,KIND: software breakpoints only; other types are unsupported ("").
void Stub::breakpoint_packet(std::string_view args, bool insert) {
    if (!starts_with(args, "0,")) {
        send("");
        return;
    }
    uint64_t addr, kind;
    if (!parse_addr_len(args.substr(2), addr, kind)) {
        send("E01");
        return;
    }
    bool ok = insert ? insert_breakpoint(addr) : remove_breakpoint(addr);
    send(ok ? "OK" : "E0e");
}

Stub::Breakpoint* Stub::find(uint64_t addr) {
    for (size_t i = 0; i < count_; ++i)
        if (bps_[i].addr == addr) return &bps_[i];
    return nullptr;
}

bool Stub::has_breakpoint(uint64_t addr) const {
    for (size_t i = 0; i < count_; ++i)
        if (bps_[i].addr == addr) return true;
    return false;
}

bool Stub::insert_breakpoint(uint64_t addr) {
    if (find(addr)) return true;
    if (count_ == max_breakpoints) return false;
    std::byte saved;
    if (!target_.read_memory(addr, {&saved, 1})) return false;
    if (!target_.write_memory(addr, {&int3, 1})) return false;
    bps_[count_++] = Breakpoint{addr, saved};
    return true;
}

bool Stub::remove_breakpoint(uint64_t addr) {
    Breakpoint* bp = find(addr);
    if (!bp) return true;  // gdb may remove what it never managed to insert
    if (!target_.write_memory(addr, {&bp->saved, 1})) return false;
    *bp = bps_[--count_];
    return true;
}

void Stub::remove_all_breakpoints() {
    while (count_ > 0) {
        Breakpoint bp = bps_[--count_];
        target_.write_memory(bp.addr, {&bp.saved, 1});
    }
}

}  // namespace ukmon::gdb
