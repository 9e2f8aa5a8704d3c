// The net hypercalls: netinfo, netwrite, netread, netwritev, netreadv, netring. Each copies
// its argument struct out by value, serves it with net_calls.hpp (handle, then length, then
// data pointer, on the validated copy only), and writes back the OUT fields. They may run
// inside the seccomp filter: no allocation, no stdio; only write and readv on the TAP fds.
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "modules/net/frame_io.hpp"
#include "modules/net/net_calls.hpp"
#include "modules/net/net_module.hpp"
#include "modules/net/net_request.hpp"

namespace ukmon::net {
namespace {

NetModule& module_of(void* owner) { return *static_cast<NetModule*>(owner); }

void netinfo(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_netinfo>(gpa, "netinfo argument");
    std::memset(a.mac, 0, sizeof a.mac);
    if (const Nic* n = module_of(owner).nic(a.handle)) {
        a.ret = UK_OK;
        std::memcpy(a.mac, n->mac.data(), n->mac.size());
        a.mtu = n->mtu;
    } else {
        a.ret = UK_EBADF;
        a.mtu = 0;
    }
    ctx.mem.write(gpa, a, "netinfo argument");
}

template <FrameOp op>
void netio(void* owner, RunContext& ctx, uint64_t gpa) {
    const char* what = op == write_one ? "netwrite argument" : "netread argument";
    module_of(owner).ring().serve_published();  // frames the guest queued go first
    auto a = ctx.mem.read<uk_hc_netio>(gpa, what);
    a.done_len = 0;
    const Nic* n = module_of(owner).nic(a.handle);
    a.ret = n ? op(*n, ctx.mem, a.data, a.len, a.done_len, {}) : UK_EBADF;
    ctx.mem.write(gpa, a, what);
}

template <FrameOp op>
void netv(void* owner, RunContext& ctx, uint64_t gpa) {
    const char* what = op == write_one ? "netwritev argument" : "netreadv argument";
    NetModule& m = module_of(owner);
    m.ring().serve_published();  // frames the guest queued go first
    auto a = ctx.mem.read<uk_hc_netv>(gpa, what);
    a.ret = serve_vector(op, m.nic(a.handle), ctx.mem, a.frames, a.count, m.frame_copy(), a.done, {});
    ctx.mem.write(gpa, a, what);
}

}  // namespace

long NetModule::device_io(uint32_t handle, bool write, std::span<std::byte> buf, uint64_t) {
    const Nic* n = nic(handle);
    if (!n) return -EBADF;
    uint64_t done = 0;
    uk_status s = write ? check_write_len(buf.size(), n->mtu) : check_read_len(buf.size());
    if (s == UK_OK) s = write ? write_frame(n->fd.get(), buf) : read_frame(n->fd.get(), buf, done);
    if (s == UK_EAGAIN) return -EAGAIN;
    if (s != UK_OK) return s == UK_EIO ? -EIO : -EINVAL;
    ++n->requests;  // --stats
    if (write) n->bytes_out += buf.size();
    else n->bytes_in += done;
    return long(write ? buf.size() : done);
}

void register_poll(Dispatcher& d, NetModule& m);                      // net_poll.cpp
void netring_hypercall(void* owner, RunContext& ctx, uint64_t gpa);  // net_ring_module.cpp

void NetModule::register_hypercalls(Dispatcher& d) {
    d.set(UK_HC_NETINFO, {netinfo, this});
    d.set(UK_HC_NETWRITE, {netio<write_one>, this});
    d.set(UK_HC_NETREAD, {netio<read_one>, this});
    d.set(UK_HC_NETWRITEV, {netv<write_one>, this});
    d.set(UK_HC_NETREADV, {netv<read_one>, this});
    d.set(UK_HC_NETRING, {netring_hypercall, this});
    register_poll(d, *this);
}

}  // namespace ukmon::net
