// The --dumpcore supervisor (see supervisor.hpp): the parent's loop, the wire format, and
// the child's side of a dump.
#include "monitor/fd_io.hpp"
#include "monitor/supervisor.hpp"

#include "monitor/coredump_file.hpp"

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "monitor/error.hpp"
#include "monitor/exit_codes.hpp"
#include "monitor/abi/ukmon/layout.hpp"
#include "monitor/scrub.hpp"
#include "monitor/unique_fd.hpp"
#include "monitor/watched_fork.hpp"

namespace ukmon::supervisor {
namespace {

constexpr uint32_t wire_magic = 0x434d4b55;  // "UKMC"
constexpr uint64_t max_chunk = 1ull << 20;   // guest bytes per pages message

enum MessageType : uint32_t { msg_regions = 1, msg_stop = 2, msg_pages = 3, msg_end = 4 };

struct Header {
    uint32_t magic;
    uint32_t type;
    uint64_t addr;  // pages: guest address
    uint64_t len;   // bytes that follow
};

struct Answer {
    uint32_t magic;
    uint32_t ok;
    char text[504];  // the core's path, or why there is none
};
static_assert(sizeof(Answer) <= PIPE_BUF, "one atomic write");

// ---- plain I/O that survives signals ------------------------------------------------------


// 1: all n bytes; 0: end of file before the first byte; -1: error or end of file midway.
int read_exact(int fd, void* data, size_t n) {
    char* p = static_cast<char*>(data);
    size_t got = 0;
    while (got < n) {
        ssize_t r = ::read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return -1;
        if (r == 0) return got == 0 ? 0 : -1;
        got += size_t(r);
    }
    return 1;
}

// ---- the parent ---------------------------------------------------------------------------

volatile pid_t child_pid = 0;
volatile sig_atomic_t forwarded_signal = 0;

void forward(int sig) {
    forwarded_signal = sig;
    if (child_pid > 0) ::kill(child_pid, sig);
}

// Closes every fd but stdio and `keep` (the monitor's TAPs, disks and stats file belong to
// the child; and the parent must not hold the request pipe's write end, or it never sees EOF).
void close_all_but(std::vector<int> keep) {
    std::sort(keep.begin(), keep.end());
    unsigned from = 3;
    for (int fd : keep) {
        if (unsigned(fd) > from) ::close_range(from, unsigned(fd) - 1, 0);
        from = std::max(from, unsigned(fd) + 1);
    }
    ::close_range(from, ~0u, 0);
}

class Server {
public:
    Server(int in, int out, int dir_fd, std::string dir, std::string program)
        : in_(in), out_(out), dir_fd_(dir_fd), dir_(std::move(dir)), program_(std::move(program)) {}

    void serve() {
        for (;;) {
            Header h{};
            int r = read_exact(in_, &h, sizeof h);
            if (r == 0) break;
            if (r < 0 || h.magic != wire_magic || !handle(h)) {
                refuse("the monitor sent a malformed dump request");
                drain();
                break;
            }
        }
        if (core_fd_) {
            std::fprintf(stderr, "ukmon: dumpcore: the monitor ended before the core was complete; removed %s\n",
                         path_.c_str());
            discard();
        }
    }

private:
    bool handle(const Header& h) {
        switch (h.type) {
            case msg_regions: return on_regions(h);
            case msg_stop: return on_stop(h);
            case msg_pages: return on_pages(h);
            case msg_end: return h.len == 0 && on_end();
            default: return false;
        }
    }

    bool on_regions(const Header& h) {
        if (!regions_.empty() || h.len % sizeof(coredump::Region) != 0 || h.len > coredump::max_regions * sizeof(coredump::Region))
            return false;
        std::vector<coredump::Region> regions(h.len / sizeof(coredump::Region));
        if (read_exact(in_, regions.data(), h.len) != 1 || !coredump::valid_regions(regions)) return false;
        regions_ = std::move(regions);
        return true;
    }

    bool on_stop(const Header& h) {
        GuestStop stop{};
        if (h.len != sizeof stop || read_exact(in_, &stop, sizeof stop) != 1 || regions_.empty()) return false;
        if (done_ || core_fd_) {
            answer(false, "a core was already written for this run");
            return true;
        }
        layout_ = coredump::layout(regions_, stop, int(::getpid()), program_.c_str());
        if (!create_file()) return true;
        if (::pwrite(core_fd_.get(), layout_.head.data(), layout_.head.size(), 0) != ssize_t(layout_.head.size()))
            fail_io("writing the header");
        return true;
    }

    bool on_pages(const Header& h) {
        if (h.len == 0 || h.len > max_chunk || ((h.addr | h.len) & (layout::page - 1))) return false;
        int i = coredump::region_of(regions_, h.addr, h.len);
        if (i < 0) return false;
        buf_.resize(max_chunk);
        if (read_exact(in_, buf_.data(), h.len) != 1) return false;
        if (!core_fd_) return true;  // a dump that already failed: keep the stream in step
        uint64_t at = layout_.offsets[size_t(i)] + (h.addr - regions_[size_t(i)].start);
        if (::pwrite(core_fd_.get(), buf_.data(), h.len, off_t(at)) != ssize_t(h.len)) fail_io("writing guest memory");
        return true;
    }

    bool on_end() {
        if (!core_fd_) return true;  // the failure was already answered
        if (::ftruncate(core_fd_.get(), off_t(layout_.size)) != 0) {
            fail_io("setting its size");
            return true;
        }
        if (::fsync(core_fd_.get()) != 0) {
            fail_io("flushing it");
            return true;
        }
        core_fd_.reset();
        done_ = true;
        answer(true, path_.c_str());
        return true;
    }

    bool create_file() {
        std::string why;
        core_fd_ = coredump::create_file(dir_fd_, program_, int(::getpid()), name_, why);
        if (!core_fd_) {
            answer(false, why.c_str());
            return false;
        }
        path_ = dir_ + (dir_.empty() || dir_.back() == '/' ? "" : "/") + name_;
        return true;
    }

    void fail_io(const char* what) {
        std::string why = "writing " + path_ + " failed (" + what + "): " + std::strerror(errno) + "; removed it";
        discard();
        answer(false, why.c_str());
    }

    void discard() {
        core_fd_.reset();
        ::unlinkat(dir_fd_, name_.c_str(), 0);
    }

    void refuse(const char* why) {
        if (core_fd_) discard();
        answer(false, why);
    }

    void answer(bool ok, const char* text) {
        Answer a{};
        a.magic = wire_magic;
        a.ok = ok ? 1 : 0;
        std::snprintf(a.text, sizeof a.text, "%s", text);
        (void)write_all(out_, &a, sizeof a);
    }

    void drain() {
        char sink[4096];
        for (;;) {
            ssize_t r = ::read(in_, sink, sizeof sink);
            if (r == 0 || (r < 0 && errno != EINTR)) return;
        }
    }

    int in_, out_, dir_fd_;
    std::string dir_, program_;
    std::vector<coredump::Region> regions_;
    coredump::Layout layout_;
    UniqueFd core_fd_;
    std::string name_, path_;
    std::vector<std::byte> buf_;
    bool done_ = false;
};

[[noreturn]] void exit_like(int status, pid_t child) {
    if (WIFEXITED(status)) _exit(WEXITSTATUS(status));
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : SIGKILL;
    if (sig != forwarded_signal)
        std::fprintf(stderr, "ukmon: the monitor process (pid %d) was killed by signal %d (SIG%s)\n", int(child), sig,
                     sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    std::fflush(stderr);
    rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);  // our own host core would only repeat the child's end
    ::signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::raise(sig);
    _exit(128 + sig);
}

[[noreturn]] void run_parent(pid_t child, int in, int out, int dir_fd, const std::string& dir,
                             const std::string& program) {
    child_pid = child;
    close_all_but({in, out, dir_fd});
    ::signal(SIGPIPE, SIG_IGN);  // an answer to a child that died is not our death
    struct sigaction sa{};
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2}) ::sigaction(sig, &sa, nullptr);
    {
        Server server(in, out, dir_fd, dir, program);
        server.serve();
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0) {
        if (errno != EINTR) _exit(exit_code::host_error);
    }
    exit_like(status, child);
}

}  // namespace

Channel start(int dir_fd, const std::string& dir, const std::string& program) {
    int req[2], ans[2];
    if (::pipe2(req, O_CLOEXEC) != 0) throw_errno("pipe for the --dumpcore supervisor");
    if (::pipe2(ans, O_CLOEXEC) != 0) {
        int e = errno;
        ::close(req[0]);
        ::close(req[1]);
        throw HostError("pipe for the --dumpcore supervisor", e);
    }
    pid_t pid = watched_fork("the --dumpcore supervisor");
    if (pid > 0) {
        ::close(req[1]);
        ::close(ans[0]);
        run_parent(pid, req[0], ans[1], dir_fd, dir, program);
    }
    ::close(req[0]);
    ::close(ans[1]);
    return Channel{req[1], ans[0]};
}

void send_regions(const Channel& ch, std::span<const coredump::Region> regions) {
    Header h{wire_magic, msg_regions, 0, regions.size_bytes()};
    if (!write_all(ch.to_parent, &h, sizeof h) || !write_all(ch.to_parent, regions.data(), regions.size_bytes()))
        throw_errno("sending the guest's regions to the --dumpcore supervisor");
}

bool dump(const Channel& ch, const GuestStop& stop, const GuestMemory& mem,
          std::span<const coredump::Region> regions, char* text, size_t text_size) {
    auto gone = [&] {
        std::snprintf(text, text_size, "the supervisor process is gone: %s", std::strerror(errno));
        return false;
    };
    auto send = [&](uint64_t addr, uint64_t len) {
        auto bytes = mem.try_span(addr, len);
        Header h{wire_magic, msg_pages, addr, len};
        return bytes && write_all(ch.to_parent, &h, sizeof h) && write_all(ch.to_parent, bytes->data(), len);
    };
    Header h{wire_magic, msg_stop, 0, sizeof stop};
    if (!write_all(ch.to_parent, &h, sizeof h) || !write_all(ch.to_parent, &stop, sizeof stop)) return gone();
    for (const coredump::Region& g : regions) {
        uint64_t run_at = 0, run_len = 0;
        for (uint64_t a = g.start; a < g.end; a += layout::page) {
            auto page = mem.try_span(a, layout::page);
            bool data = page && !scrub::page_is_zero(page->data());
            if (data && run_len && run_len < max_chunk) {
                run_len += layout::page;
                continue;
            }
            if (run_len && !send(run_at, run_len)) return gone();
            run_len = 0;
            if (data) run_at = a, run_len = layout::page;
        }
        if (run_len && !send(run_at, run_len)) return gone();
    }
    h = Header{wire_magic, msg_end, 0, 0};
    if (!write_all(ch.to_parent, &h, sizeof h)) return gone();
    Answer a{};
    if (read_exact(ch.from_parent, &a, sizeof a) != 1 || a.magic != wire_magic) {
        std::snprintf(text, text_size, "the supervisor process did not answer");
        return false;
    }
    a.text[sizeof a.text - 1] = '\0';
    std::snprintf(text, text_size, "%s", a.text);
    return a.ok == 1;
}

}  // namespace ukmon::supervisor
