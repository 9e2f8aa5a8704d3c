// The poll hypercall with NICs (it replaces the core's sleep): wait, up to the guest's
// timeout, until any attached TAP has a frame. Allocation-free; one ppoll on the TAP fds.
#include <poll.h>

#include <cerrno>
#include <ctime>

#include "modules/net/net_module.hpp"

namespace ukmon::net {
namespace {

void poll(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_poll>(gpa, "poll argument");
    NetModule& m = *static_cast<NetModule*>(owner);
    auto fds = m.poll_set();
    timespec ts{time_t(a.timeout_ns / 1000000000ull), long(a.timeout_ns % 1000000000ull)};
    a.ready_set = 0;
    a.ret = UK_OK;
    // A signal ends the wait early with nothing ready: the guest polls again, as after any
    // timeout. Error and hang-up count as ready, so the guest's read reports them.
    int r = ::ppoll(fds.data(), fds.size(), &ts, nullptr);
    if (r > 0) {
        for (size_t i = 0; i < fds.size(); ++i)
            if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) a.ready_set |= 1ull << m.poll_handle(i);
    } else if (r < 0 && errno != EINTR) {
        a.ret = UK_EIO;
    }
    ctx.mem.write(gpa, a, "poll argument");
}

}  // namespace

void register_poll(Dispatcher& d, NetModule& m) { d.set(UK_HC_POLL, {poll, &m}); }

}  // namespace ukmon::net
