// A GDB remote stub for one stopped CPU: the command set (registers, memory, software
// breakpoints, continue, step, detach, kill) over an abstract byte channel and an abstract
// target, so the whole protocol is unit-tested with a scripted "gdb" and a fake machine.
// The kvm glue (gdb_session.hpp) supplies a TCP socket and the vCPU.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "backends/kvm/gdb/gdb_packet.hpp"
#include "backends/kvm/gdb/gdb_registers.hpp"

namespace ukmon::gdb {

// gdb's own signal numbers (gdb/signals.def), used in stop replies.
inline constexpr int sig_ill = 4, sig_trap = 5, sig_fpe = 8, sig_kill = 9, sig_bus = 10, sig_segv = 11,
                     sig_abrt = 6;

// The byte stream to the debugger.
class Channel {
public:
    virtual ~Channel() = default;
    // Up to buf.size() bytes; 0 when the debugger is gone.
    virtual size_t read(std::span<char> buf) = 0;
    // All of `bytes`; false when the debugger is gone.
    virtual bool write(std::string_view bytes) = 0;
};

// The stopped machine as the debugger sees it.
class Target {
public:
    virtual ~Target() = default;
    virtual void read_registers(std::span<std::byte, register_file_size> out) = 0;
    virtual void write_registers(std::span<const std::byte, register_file_size> in) = 0;
    // false, touching nothing, unless every byte of the range is guest memory.
    virtual bool read_memory(uint64_t addr, std::span<std::byte> out) = 0;
    virtual bool write_memory(uint64_t addr, std::span<const std::byte> in) = 0;
};

struct StopReason {
    int signal = sig_trap;
    bool sw_breakpoint = false;  // at a breakpoint this stub planted; the pc is already at it
};

// What the debugger asked for when it let the machine go.
struct Resume {
    enum class Kind { cont, step, detach, kill, disconnected } kind = Kind::cont;
    int signal = 0;  // C/S/vCont;C: deliver this signal (the caller decides what that means)
};

class Stub {
public:
    static constexpr size_t max_packet = 0x4000;  // advertised PacketSize
    static constexpr size_t max_breakpoints = 64;
    static constexpr size_t max_memory_reply = 0x1000;  // bytes per m reply (gdb asks again)

    Stub(Channel& channel, Target& target);

    // Serves the debugger while the machine is stopped, until it resumes, detaches, kills
    // or disconnects. `announce`: send the stop reply now (not for the first stop, which gdb
    // asks for with '?'). On detach or disconnect every planted breakpoint is removed first.
    Resume serve(const StopReason& why, bool announce);

    // The machine ended: exit status (W) or terminating signal (X). Nothing is read after.
    void report_exit(int status);
    void report_signal_exit(int signal);

    bool has_breakpoint(uint64_t addr) const;
    size_t breakpoint_count() const { return count_; }

private:
    struct Breakpoint {
        uint64_t addr;
        std::byte saved;
    };

    // The reply to one packet, or a resume request (then `resume` is set, reply empty).
    bool handle(std::string_view packet, Resume& resume);
    void send(std::string_view payload);
    void stop_reply(const StopReason& why);
    void read_registers_packet();
    void write_registers_packet(std::string_view hex);
    void read_register_packet(std::string_view args);
    void write_register_packet(std::string_view args);
    void read_memory_packet(std::string_view args);
    void write_memory_packet(std::string_view args, bool binary);
    void breakpoint_packet(std::string_view args, bool insert);
    bool resume_packet(std::string_view packet, Resume& resume);
    void set_pc(uint64_t pc);
    bool insert_breakpoint(uint64_t addr);
    bool remove_breakpoint(uint64_t addr);
    void remove_all_breakpoints();
    Breakpoint* find(uint64_t addr);

    Channel& channel_;
    Target& target_;
    PacketReader reader_{max_packet};
    std::string input_;       // bytes read but not yet fed (after a resume command)
    size_t input_pos_ = 0;
    std::string reply_;       // payload being built
    std::string last_sent_;   // framed, for a resend on '-'
    StopReason last_stop_;
    std::array<Breakpoint, max_breakpoints> bps_{};
    size_t count_ = 0;
};

}  // namespace ukmon::gdb
