// The poll hypercalls with NICs (they replace the core's sleep): wait, up to the guest's
// timeout, until any attached TAP has a frame. UK_HC_NETPOLL first serves what the guest
// queued on the net ring and afterwards reads ahead into the buffers it names, so a guest
// with a ring pays one exit per round of work. Allocation-free; ppoll on the TAP fds.
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "modules/net/net_calls.hpp"
#include "modules/net/net_module.hpp"

namespace ukmon::net {
namespace {

// Before it sleeps, a wait looks without sleeping for up to this long when the last wait
// ended this soon: a request/response peer answers within tens of µs, and the host's
// wake-up from a sleep costs about as much again (measured: kv with one client, one request
// at a time, +19 % requests/s). A wait that then sleeps turns it off until a wait ends soon
// again, so an idle guest does not spin.
constexpr auto busy_poll_window = std::chrono::microseconds(50);

int ppoll_for(std::span<pollfd> fds, const timespec& ts) { return ::ppoll(fds.data(), fds.size(), &ts, nullptr); }

// Waits up to timeout_ns; `ready_set` gets the readable NICs' bits. A signal ends the wait
// early with nothing ready: the guest polls again, as after any timeout. Error and hang-up
// count as ready, so the guest's read reports them.
uk_status wait_for_frames(NetModule& m, uint64_t timeout_ns, uint64_t& ready_set) {
    using clock = std::chrono::steady_clock;
    auto fds = m.poll_set();
    ready_set = 0;
    int r = ppoll_for(fds, timespec{0, 0});
    const auto start = clock::now();
    const uint64_t window_ns = uint64_t(std::chrono::nanoseconds(busy_poll_window).count());
    if (r == 0 && timeout_ns && m.busy_poll) {
        const auto until = start + std::chrono::nanoseconds(std::min<uint64_t>(timeout_ns, window_ns));
        while (r == 0 && clock::now() < until) r = ppoll_for(fds, timespec{0, 0});
    }
    if (r == 0 && timeout_ns) {
        const uint64_t spent = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count());
        const uint64_t left = timeout_ns > spent ? timeout_ns - spent : 0;
        r = ppoll_for(fds, timespec{time_t(left / 1000000000ull), long(left % 1000000000ull)});
    }
    // Busy-poll next time only if this wait ended (ready) within the window.
    if (timeout_ns)
        m.busy_poll = r > 0 && clock::now() - start <= busy_poll_window;
    if (r > 0) {
        for (size_t i = 0; i < fds.size(); ++i)
            if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) ready_set |= 1ull << m.poll_handle(i);
    } else if (r < 0 && errno != EINTR) {
        return UK_EIO;
    }
    return UK_OK;
}

void poll(void* owner, RunContext& ctx, uint64_t gpa) {
    NetModule& m = *static_cast<NetModule*>(owner);
    m.ring().serve_published();  // what the guest queued leaves before it waits
    auto a = ctx.mem.read<uk_hc_poll>(gpa, "poll argument");
    a.ret = wait_for_frames(m, a.timeout_ns, a.ready_set);
    ctx.mem.write(gpa, a, "poll argument");
}

void netpoll(void* owner, RunContext& ctx, uint64_t gpa) {
    NetModule& m = *static_cast<NetModule*>(owner);
    m.ring().serve_published();
    auto a = ctx.mem.read<uk_hc_netpoll>(gpa, "netpoll argument");
    a.got = 0;
    a.read_ret = UK_EAGAIN;
    const Nic* nic = a.count ? m.nic(a.handle) : nullptr;
    if (a.count && !nic) a.read_ret = UK_EBADF;  // the wait still happens: it is the guest's poll
    a.ret = wait_for_frames(m, a.timeout_ns, a.ready_set);
    // nic: handle < max_device_handles <= 64, so the shift is defined.
    if (nic && a.ret == UK_OK && (a.ready_set >> a.handle & 1))
        a.read_ret = serve_vector(read_one, nic, ctx.mem, a.frames, a.count, m.frame_copy(), a.got, {});
    ctx.mem.write(gpa, a, "netpoll argument");
}

}  // namespace

void register_poll(Dispatcher& d, NetModule& m) {
    d.set(UK_HC_POLL, {poll, &m});
    d.set(UK_HC_NETPOLL, {netpoll, &m});
}

}  // namespace ukmon::net
