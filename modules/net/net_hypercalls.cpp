// The net hypercalls: netinfo, netwrite, netread, netwritev, netreadv. Each copies its
// argument struct (and a batch's whole frame vector) out by value, validates it (handle,
// then length, then data pointer), acts only on the validated copy, and writes back the OUT
// fields. They may run inside the seccomp filter: no allocation, no stdio; only write and
// readv on the TAP fds.
#include <cerrno>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "modules/net/frame_io.hpp"
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

// One frame each way: validate the length, then the buffer, then move the frame. `done` is
// the frame's length on UK_OK and 0 otherwise.
uk_status write_one(const Nic& n, const RunContext& ctx, uint64_t data, uint64_t len, uint64_t& done) {
    done = 0;
    if (uk_status s = check_write_len(len, n.mtu); s != UK_OK) return s;
    auto frame = ctx.mem.try_span(data, len);
    if (!frame) return UK_EFAULT;
    uk_status s = write_frame(n.fd.get(), *frame);
    if (s == UK_OK) {
        done = len;
        ++n.requests;  // --stats
        n.bytes_out += len;
    }
    return s;
}

uk_status read_one(const Nic& n, const RunContext& ctx, uint64_t data, uint64_t len, uint64_t& done) {
    done = 0;
    if (uk_status s = check_read_len(len); s != UK_OK) return s;
    auto buf = ctx.mem.try_writable_span(data, len);  // never the guest's read-only pages
    if (!buf) return UK_EFAULT;
    uk_status s = read_frame(n.fd.get(), *buf, done);
    if (s == UK_OK) {
        ++n.requests;  // --stats
        n.bytes_in += done;
    }
    return s;
}

using FrameOp = uk_status (*)(const Nic&, const RunContext&, uint64_t data, uint64_t len, uint64_t& done);

template <FrameOp op>
void netio(void* owner, RunContext& ctx, uint64_t gpa) {
    const char* what = op == write_one ? "netwrite argument" : "netread argument";
    auto a = ctx.mem.read<uk_hc_netio>(gpa, what);
    a.done_len = 0;
    const Nic* n = module_of(owner).nic(a.handle);
    a.ret = n ? op(*n, ctx, a.data, a.len, a.done_len) : UK_EBADF;
    ctx.mem.write(gpa, a, what);
}

// The guest's frame vector of a batch, checked whole, or the status that refuses the batch.
uk_status check_batch(const Nic* n, const RunContext& ctx, const uk_hc_netv& a, std::span<std::byte>& vec) {
    if (!n) return UK_EBADF;
    if (uk_status s = check_batch_count(a.count); s != UK_OK) return s;
    // Writable: each element's done_len is written back. count <= 256: no wrap.
    auto v = ctx.mem.try_writable_span(a.frames, a.count * sizeof(uk_net_frame));
    if (!v) return UK_EFAULT;
    vec = *v;
    return UK_OK;
}

// Frames in vector order until one does not complete: a.done counts the ones that did, a.ret
// is the status of the one that did not (UK_EAGAIN when a read finds the NIC dry), and every
// element's done_len is written back (0 from the first incomplete one on).
template <FrameOp op>
void netv(void* owner, RunContext& ctx, uint64_t gpa) {
    const char* what = op == write_one ? "netwritev argument" : "netreadv argument";
    NetModule& m = module_of(owner);
    auto a = ctx.mem.read<uk_hc_netv>(gpa, what);
    a.done = 0;
    const Nic* n = m.nic(a.handle);
    std::span<std::byte> vec;
    a.ret = check_batch(n, ctx, a, vec);
    if (a.ret == UK_OK) {
        auto& frames = m.frame_copy();  // by value: the guest cannot change what was checked
        std::memcpy(frames.data(), vec.data(), vec.size());
        for (uint64_t i = 0; i < a.count; ++i) {
            uk_net_frame& f = frames[i];
            f.done_len = 0;
            if (a.ret == UK_OK && (a.ret = op(*n, ctx, f.data, f.len, f.done_len)) == UK_OK) ++a.done;
            std::memcpy(vec.data() + i * sizeof f + offsetof(uk_net_frame, done_len), &f.done_len,
                        sizeof f.done_len);
        }
    }
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

void register_poll(Dispatcher& d, NetModule& m);  // net_poll.cpp

void NetModule::register_hypercalls(Dispatcher& d) {
    d.set(UK_HC_NETINFO, {netinfo, this});
    d.set(UK_HC_NETWRITE, {netio<write_one>, this});
    d.set(UK_HC_NETREAD, {netio<read_one>, this});
    d.set(UK_HC_NETWRITEV, {netv<write_one>, this});
    d.set(UK_HC_NETREADV, {netv<read_one>, this});
    register_poll(d, *this);
}

}  // namespace ukmon::net
