// The GDB remote serial protocol's byte layer: packet framing, checksums, escaping and hex.
// Pure (no I/O), so every corner is unit-tested without a socket or a debugger.
//
//   $payload#cc   a packet; cc = sum of the payload bytes mod 256, two hex digits
//   + / -         acknowledgement / request to resend the last packet
//   0x03          interrupt request (Ctrl-C in gdb), outside any packet
//   }x            escape: the byte x ^ 0x20 (for $ # } * inside payloads and binary data)
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ukmon::gdb {

// Sum of the bytes mod 256.
uint8_t checksum(std::string_view payload);

// "$" + payload (with $ # } * escaped) + "#" + checksum of what was sent.
std::string frame(std::string_view payload);

// Undoes `}` escaping (binary data in X packets); nullopt if the data ends inside an escape.
std::optional<std::string> unescape(std::string_view data);

// One thing read from the debugger.
struct Incoming {
    enum class Kind { ack, nack, interrupt, packet, bad_checksum } kind;
    std::string payload;  // packet: the payload as sent (escapes kept; see unescape)
};

// Turns the byte stream from the debugger into Incoming events; feed it any split of the
// stream. Bytes between packets other than + - 0x03 are ignored (line noise); a packet
// longer than max_payload is dropped and reported as bad_checksum, so gdb resends and the
// monitor's memory stays bounded.
class PacketReader {
public:
    explicit PacketReader(size_t max_payload = 0x4000) : max_payload_(max_payload) {}
    std::optional<Incoming> feed(char byte);

private:
    enum class State { idle, payload, escape, check1, check2 } state_ = State::idle;
    size_t max_payload_;
    std::string payload_;
    bool overflow_ = false;
    uint8_t sum_ = 0;
    int check_hi_ = 0;
};

// ---- hex ------------------------------------------------------------------------------------

// Lower-case hex, two digits per byte.
std::string to_hex(std::span<const std::byte> bytes);
void append_hex(std::string& out, std::span<const std::byte> bytes);
// Pairs of hex digits -> bytes; nullopt on an odd length or a non-hex digit.
std::optional<std::vector<std::byte>> from_hex(std::string_view hex);
// A big-endian hex number as gdb writes addresses and lengths ("1000", "ffffffff"); nullopt
// if empty, not hex, or more than 64 bits.
std::optional<uint64_t> parse_hex_number(std::string_view hex);

}  // namespace ukmon::gdb
