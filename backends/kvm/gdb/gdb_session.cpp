// --gdb for the kvm backend: the TCP link, the vCPU as a gdb::Target, and the stub's IRET
// done by the monitor (see gdb_session.hpp).
#include "backends/kvm/gdb/gdb_session.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "arch/x86_64/long_mode.hpp"
#include "monitor/error.hpp"

namespace ukmon::kvm {
namespace {

constexpr uint64_t rflags_tf = 1ull << 8;
// What a CPL3 program may change in RFLAGS itself (CF PF AF ZF SF TF DF OF AC ID). A frame
// is guest-writable in principle, so IOPL, IF, NT, VM and friends never come from it.
constexpr uint64_t rflags_user = 0x1u | 0x4u | 0x10u | 0x40u | 0x80u | 0x100u | 0x400u | 0x800u |
                                 (1u << 18) | (1u << 21);
constexpr uint64_t rflags_fixed = 0x2;
// The stubs run on IST1 and push exactly one FaultFrame: a frame anywhere else is not theirs.
constexpr uint64_t stub_frame_gpa = x86::fault_stack_top - sizeof(x86::FaultFrame);

// KVM_GET_XSAVE/KVM_SET_XSAVE with the kernel's 4096-byte struct: in C++ the uapi header's
// flexible array makes sizeof(kvm_xsave) 4100, and the ioctl numbers encode the size.
constexpr unsigned long get_xsave = _IOC(_IOC_READ, KVMIO, 0xa4, gdb::xsave_size);
constexpr unsigned long set_xsave = _IOC(_IOC_WRITE, KVMIO, 0xa5, gdb::xsave_size);

void vcpu_ioctl(int fd, unsigned long req, void* arg, const char* what) {
    if (::ioctl(fd, req, arg) < 0) throw_errno(std::string("gdb: ") + what);
}

}  // namespace

int signal_for_vector(uint64_t vector) {
    switch (vector) {
        case 0: case 7: case 16: case 19: return gdb::sig_fpe;  // #DE #NM #MF #XM
        case 1: case 3: return gdb::sig_trap;                  // #DB #BP
        case 6: return gdb::sig_ill;                            // #UD
        case 17: return gdb::sig_bus;                           // #AC
        default: return gdb::sig_segv;                          // #GP #PF #SS #OF #BR ...
    }
}

// The TCP connection as the stub's byte channel.
class GdbSession::Link final : public gdb::Channel {
public:
    explicit Link(int fd) : fd_(fd) {}
    size_t read(std::span<char> buf) override {
        for (;;) {
            ssize_t n = ::read(fd_, buf.data(), buf.size());
            if (n < 0 && errno == EINTR) continue;
            return n > 0 ? size_t(n) : 0;
        }
    }
    bool write(std::string_view bytes) override {
        while (!bytes.empty()) {
            ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            bytes.remove_prefix(size_t(n));
        }
        return true;
    }

private:
    int fd_;
};

// The stopped vCPU as gdb sees it: registers as the guest had them when it trapped (the
// fault stub's own state hidden), memory through the checked accessor only.
class GdbSession::Cpu final : public gdb::Target {
public:
    Cpu(int vcpu_fd, const GuestMemory& visible) : fd_(vcpu_fd), mem_(visible) {}

    // The guest's segments at entry: what the stub's IRET would restore.
    void capture_entry() {
        vcpu_ioctl(fd_, KVM_GET_SREGS, &entry_, "KVM_GET_SREGS");
        state_.sregs = entry_;
    }

    // The vCPU is where gdb should see it (entry, or just after a completed hypercall).
    void stopped_in_guest() {
        vcpu_ioctl(fd_, KVM_GET_REGS, &state_.regs, "KVM_GET_REGS");
        state_.regs.rflags &= ~rflags_tf;
        in_stub_ = false;
        fp_loaded_ = fp_dirty_ = false;
    }

    // The vCPU is in a fault stub: the guest's registers are the vCPU's, except what the
    // CPU and the stub changed (rip rsp rflags from the frame, rax rdx saved below it).
    void stopped_in_stub(const x86::FaultFrame& f, uint64_t saved_rax, uint64_t saved_rdx) {
        vcpu_ioctl(fd_, KVM_GET_REGS, &state_.regs, "KVM_GET_REGS");
        state_.regs.rip = f.rip;
        state_.regs.rsp = f.rsp;
        state_.regs.rflags = rflags_fixed | (f.rflags & rflags_user & ~rflags_tf);
        state_.regs.rax = saved_rax;
        state_.regs.rdx = saved_rdx;
        in_stub_ = true;
        fp_loaded_ = fp_dirty_ = false;
    }

    uint64_t pc() const { return state_.regs.rip; }
    void set_pc(uint64_t pc) { state_.regs.rip = pc; }

    // The stub's IRET, done by the monitor: the guest's CS/SS back, then its registers
    // (TF set for a single step).
    void resume(bool step) {
        if (in_stub_) {
            kvm_sregs s{};
            vcpu_ioctl(fd_, KVM_GET_SREGS, &s, "KVM_GET_SREGS");
            s.cs = entry_.cs;
            s.ss = entry_.ss;
            vcpu_ioctl(fd_, KVM_SET_SREGS, &s, "KVM_SET_SREGS");
            in_stub_ = false;
        }
        kvm_regs r = state_.regs;
        r.rflags = rflags_fixed | (r.rflags & rflags_user & ~rflags_tf) | (step ? rflags_tf : 0);
        vcpu_ioctl(fd_, KVM_SET_REGS, &r, "KVM_SET_REGS");
        if (fp_dirty_) vcpu_ioctl(fd_, set_xsave, state_.xsave, "KVM_SET_XSAVE");
        fp_dirty_ = false;
    }

    void read_registers(std::span<std::byte, gdb::register_file_size> out) override {
        load_fp();
        gdb::to_register_file(state_, out);
    }
    void write_registers(std::span<const std::byte, gdb::register_file_size> in) override {
        load_fp();
        if (gdb::from_register_file(in, state_)) fp_dirty_ = true;
    }
    bool read_memory(uint64_t addr, std::span<std::byte> out) override {
        auto s = mem_.try_span(addr, out.size());
        if (!s) return false;
        std::memcpy(out.data(), s->data(), out.size());
        return true;
    }
    bool write_memory(uint64_t addr, std::span<const std::byte> in) override {
        auto s = mem_.try_span(addr, in.size());
        if (!s) return false;
        std::memcpy(s->data(), in.data(), in.size());
        return true;
    }

private:
    void load_fp() {
        if (fp_loaded_) return;
        vcpu_ioctl(fd_, get_xsave, state_.xsave, "KVM_GET_XSAVE");
        fp_loaded_ = true;
    }

    int fd_;
    GuestMemory mem_;
    gdb::CpuState state_{};
    kvm_sregs entry_{};
    bool in_stub_ = false, fp_loaded_ = false, fp_dirty_ = false;
};

std::unique_ptr<GdbSession> GdbSession::wait_for_debugger(uint16_t port, int vcpu_fd, kvm_run* run,
                                                           const GuestMemory& full, const GuestMemory& visible) {
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!listener) throw_errno("gdb: socket");
    int one = 1;
    ::setsockopt(listener.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throw_errno("gdb: cannot listen on 127.0.0.1:" + std::to_string(port));
    if (::listen(listener.get(), 1) < 0) throw_errno("gdb: listen");
    socklen_t len = sizeof addr;
    if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&addr), &len) < 0) throw_errno("gdb: getsockname");
    unsigned actual = ntohs(addr.sin_port);
    std::fprintf(stderr, "ukmon: gdb: waiting for gdb on 127.0.0.1:%u (in gdb: target remote :%u)\n", actual, actual);
    std::fflush(stderr);
    int fd;
    do {
        fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    } while (fd < 0 && errno == EINTR);
    if (fd < 0) throw_errno("gdb: accept");
    UniqueFd connection(fd);
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // one small packet at a time
    return std::unique_ptr<GdbSession>(new GdbSession(std::move(connection), vcpu_fd, run, full, visible));
}

GdbSession::GdbSession(UniqueFd connection, int vcpu_fd, kvm_run* run, const GuestMemory& full,
                       const GuestMemory& visible)
    : connection_(std::move(connection)), vcpu_fd_(vcpu_fd), run_(run), full_(full),
      link_(std::make_unique<Link>(connection_.get())), cpu_(std::make_unique<Cpu>(vcpu_fd, visible)),
      stub_(std::make_unique<gdb::Stub>(*link_, *cpu_)) {}

GdbSession::~GdbSession() = default;

void GdbSession::add_syscall_rules(SyscallPolicy& p, int connection_fd, int vcpu_fd) {
    ArgEquals on_link{0, uint64_t(connection_fd), ~0ull, "gdb socket"};
    ArgEquals on_vcpu{0, uint64_t(vcpu_fd), ~0ull, "vcpu fd"};
    p.allow(__NR_read, {on_link}, "gdb", "remote protocol: commands from the debugger");
    p.allow(__NR_sendto, {on_link, {3, MSG_NOSIGNAL, ~0ull, "MSG_NOSIGNAL"}}, "gdb",
            "remote protocol: replies (a closed connection is an error, not SIGPIPE)");
    p.allow(__NR_ioctl, {on_vcpu, {1, KVM_SET_REGS, ~0ull, "KVM_SET_REGS"}}, "gdb",
            "resume at the registers gdb sees: after a breakpoint, a step, a register write");
    p.allow(__NR_ioctl, {on_vcpu, {1, KVM_SET_SREGS, ~0ull, "KVM_SET_SREGS"}}, "gdb",
            "the guest's CS/SS back when the monitor does the fault stub's IRET");
    p.allow(__NR_ioctl, {on_vcpu, {1, get_xsave, ~0ull, "KVM_GET_XSAVE"}}, "gdb", "x87/SSE registers for gdb");
    p.allow(__NR_ioctl, {on_vcpu, {1, set_xsave, ~0ull, "KVM_SET_XSAVE"}}, "gdb", "gdb writes x87/SSE registers");
}

void GdbSession::add_syscall_rules(SyscallPolicy& p) const { add_syscall_rules(p, connection_.get(), vcpu_fd_); }

GdbSession::Verdict GdbSession::serve(const gdb::StopReason& why, bool announce, bool fault) {
    gdb::Resume r = stub_->serve(why, announce);
    using K = gdb::Resume::Kind;
    switch (r.kind) {
        case K::cont:
        case K::step:
            // Passing a fault's signal on is what ends a Linux process too; a trap's
            // signal is gdb's own business.
            if (fault && r.signal != 0) return Verdict::end_run;
            stepping_ = r.kind == K::step;
            cpu_->resume(stepping_);
            return Verdict::resume;
        case K::detach:
        case K::disconnected:  // gdb went away: the guest runs on, as after a detach
            attached_ = false;
            stepping_ = false;
            cpu_->resume(false);
            return Verdict::resume;
        case K::kill:
            attached_ = false;
            return Verdict::kill;
    }
    return Verdict::end_run;
}

GdbSession::Verdict GdbSession::start() {
    cpu_->capture_entry();
    cpu_->stopped_in_guest();
    return serve({gdb::sig_trap, false}, false, false);
}

GdbSession::Verdict GdbSession::on_fault(uint64_t frame_gpa) {
    if (!attached_ || frame_gpa != stub_frame_gpa) return Verdict::end_run;
    auto f = full_.read<x86::FaultFrame>(frame_gpa, "fault frame");
    uint64_t rax = full_.read<uint64_t>(frame_gpa - x86::fault_saved_rax_offset, "fault frame");
    uint64_t rdx = full_.read<uint64_t>(frame_gpa - x86::fault_saved_rdx_offset, "fault frame");
    cpu_->stopped_in_stub(f, rax, rdx);
    stepping_ = false;
    gdb::StopReason why{signal_for_vector(f.vector), false};
    last_signal_ = why.signal;
    if (f.vector == 3 && stub_->has_breakpoint(f.rip - 1)) {
        cpu_->set_pc(f.rip - 1);  // int3 traps after itself; gdb wants the breakpoint's address
        why.sw_breakpoint = true;
    }
    // A #DB is a trap whether gdb asked for the step or the guest set TF itself.
    bool fault = f.vector != 1 && f.vector != 3;
    return serve(why, true, fault);
}

GdbSession::Verdict GdbSession::after_hypercall() {
    if (!stepping()) return Verdict::resume;
    // Complete the port I/O without entering the guest (KVM_RUN with immediate_exit), so
    // rip is past the `out` on every host, then report the finished step.
    run_->immediate_exit = 1;
    int r = ::ioctl(vcpu_fd_, KVM_RUN, 0);
    int err = errno;
    run_->immediate_exit = 0;
    if (r < 0 && err != EINTR) throw HostError("gdb: KVM_RUN to complete a hypercall", err);
    cpu_->stopped_in_guest();
    stepping_ = false;
    last_signal_ = gdb::sig_trap;
    return serve({gdb::sig_trap, false}, true, false);
}

RunOutcome GdbSession::killed_outcome() {
    return RunOutcome::make(RunOutcome::Kind::crashed, "guest killed from gdb");
}

void GdbSession::on_end(const RunOutcome& o) {
    if (!attached_) return;
    attached_ = false;
    using K = RunOutcome::Kind;
    switch (o.kind) {
        case K::halted: stub_->report_exit(int(o.status)); break;
        case K::crashed:
            stub_->report_signal_exit(last_signal_ && last_signal_ != gdb::sig_trap ? last_signal_ : gdb::sig_segv);
            break;
        case K::killed:
        case K::timeout:
        case K::stopped: stub_->report_signal_exit(gdb::sig_kill); break;
        case K::host_error: stub_->report_signal_exit(gdb::sig_abrt); break;
    }
}

}  // namespace ukmon::kvm
