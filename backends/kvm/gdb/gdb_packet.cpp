// GDB remote protocol framing, escaping and hex (see gdb_packet.hpp).
#include "backends/kvm/gdb/gdb_packet.hpp"

namespace ukmon::gdb {
namespace {

constexpr char hex_digits[] = "0123456789abcdef";

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool needs_escape(char c) { return c == '$' || c == '#' || c == '}' || c == '*'; }

}  // namespace

uint8_t checksum(std::string_view payload) {
    uint8_t sum = 0;
    for (char c : payload) sum = uint8_t(sum + uint8_t(c));
    return sum;
}

std::string frame(std::string_view payload) {
    std::string out;
    out.reserve(payload.size() + 4);
    out.push_back('$');
    for (char c : payload) {
        if (needs_escape(c)) {
            out.push_back('}');
            out.push_back(char(c ^ 0x20));
        } else {
            out.push_back(c);
        }
    }
    uint8_t sum = checksum(std::string_view(out).substr(1));
    out.push_back('#');
    out.push_back(hex_digits[sum >> 4]);
    out.push_back(hex_digits[sum & 15]);
    return out;
}

std::optional<std::string> unescape(std::string_view data) {
    std::string out;
    out.reserve(data.size());
    for (size_t i = 0; i < data.size(); ++i) {
        if (data[i] != '}') {
            out.push_back(data[i]);
            continue;
        }
        if (++i == data.size()) return std::nullopt;
        out.push_back(char(data[i] ^ 0x20));
    }
    return out;
}

std::optional<Incoming> PacketReader::feed(char byte) {
    using K = Incoming::Kind;
    switch (state_) {
        case State::idle:
            if (byte == '+') return Incoming{K::ack, {}};
            if (byte == '-') return Incoming{K::nack, {}};
            if (byte == '\x03') return Incoming{K::interrupt, {}};
            if (byte == '$') {
                state_ = State::payload;
                payload_.clear();
                overflow_ = false;
                sum_ = 0;
            }
            return std::nullopt;
        case State::payload:
        case State::escape:
            if (byte == '#' && state_ == State::payload) {
                state_ = State::check1;
                return std::nullopt;
            }
            if (byte == '$' && state_ == State::payload) {  // a new packet: the old one was cut
                payload_.clear();
                overflow_ = false;
                sum_ = 0;
                return std::nullopt;
            }
            sum_ = uint8_t(sum_ + uint8_t(byte));
            state_ = (byte == '}' && state_ == State::payload) ? State::escape : State::payload;
            if (payload_.size() < max_payload_) payload_.push_back(byte);
            else overflow_ = true;
            return std::nullopt;
        case State::check1:
            check_hi_ = hex_value(byte);
            state_ = State::check2;
            return std::nullopt;
        case State::check2: {
            int lo = hex_value(byte);
            state_ = State::idle;
            bool ok = check_hi_ >= 0 && lo >= 0 && uint8_t(check_hi_ * 16 + lo) == sum_ && !overflow_;
            Incoming in{ok ? K::packet : K::bad_checksum, {}};
            if (ok) in.payload.swap(payload_);
            payload_.clear();
            return in;
        }
    }
    return std::nullopt;
}

std::string to_hex(std::span<const std::byte> bytes) {
    std::string out;
    append_hex(out, bytes);
    return out;
}

void append_hex(std::string& out, std::span<const std::byte> bytes) {
    for (std::byte b : bytes) {
        out.push_back(hex_digits[unsigned(b) >> 4]);
        out.push_back(hex_digits[unsigned(b) & 15]);
    }
}

std::optional<std::vector<std::byte>> from_hex(std::string_view hex) {
    if (hex.size() % 2) return std::nullopt;
    std::vector<std::byte> out(hex.size() / 2);
    for (size_t i = 0; i < out.size(); ++i) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        out[i] = std::byte(hi * 16 + lo);
    }
    return out;
}

std::optional<uint64_t> parse_hex_number(std::string_view hex) {
    if (hex.empty() || hex.size() > 16) return std::nullopt;
    uint64_t v = 0;
    for (char c : hex) {
        int d = hex_value(c);
        if (d < 0) return std::nullopt;
        v = v << 4 | uint64_t(d);
    }
    return v;
}

}  // namespace ukmon::gdb
