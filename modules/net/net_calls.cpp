// The net calls on checked guest memory (see net_calls.hpp). May run inside a seccomp filter:
// no allocation, no stdio; only write and readv on the TAP fds.
#include "modules/net/net_calls.hpp"

#include <cstddef>
#include <cstring>

#include "modules/net/frame_io.hpp"
#include "modules/net/net_request.hpp"
#include "modules/net/net_ring_request.hpp"

namespace ukmon::net {

uk_status write_one(const Nic& n, const GuestMemory& mem, uint64_t data, uint64_t len, uint64_t& done, Avoid avoid) {
    done = 0;
    if (uk_status s = check_write_len(len, n.mtu); s != UK_OK) return s;
    if (overlaps(data, len, avoid.gpa, avoid.len)) return UK_EFAULT;
    auto frame = mem.try_span(data, len);
    if (!frame) return UK_EFAULT;
    uk_status s = write_frame(n.fd.get(), *frame);
    if (s == UK_OK) {
        done = len;
        ++n.requests;  // --stats
        n.bytes_out += len;
    }
    return s;
}

uk_status read_one(const Nic& n, const GuestMemory& mem, uint64_t data, uint64_t len, uint64_t& done, Avoid avoid) {
    done = 0;
    if (uk_status s = check_read_len(len); s != UK_OK) return s;
    if (overlaps(data, len, avoid.gpa, avoid.len)) return UK_EFAULT;
    auto buf = mem.try_writable_span(data, len);  // never the guest's read-only pages
    if (!buf) return UK_EFAULT;
    uk_status s = read_frame(n.fd.get(), *buf, done);
    if (s == UK_OK) {
        ++n.requests;  // --stats
        n.bytes_in += done;
    }
    return s;
}

uk_status serve_vector(FrameOp op, const Nic* n, const GuestMemory& mem, uint64_t frames, uint64_t count,
                       std::array<uk_net_frame, UK_NET_BATCH_MAX>& copy, uint64_t& done, Avoid avoid,
                       bool each) {
    done = 0;
    if (!n) return UK_EBADF;
    if (uk_status s = check_batch_count(count); s != UK_OK) return s;
    // Writable: each element's done_len is written back. count <= 256: no wrap.
    if (overlaps(frames, count * sizeof(uk_net_frame), avoid.gpa, avoid.len)) return UK_EFAULT;
    auto vec = mem.try_writable_span(frames, count * sizeof(uk_net_frame));
    if (!vec) return UK_EFAULT;
    std::memcpy(copy.data(), vec->data(), vec->size());  // by value, once
    uk_status ret = UK_OK;
    for (uint64_t i = 0; i < count; ++i) {
        uk_net_frame& f = copy[i];
        f.done_len = 0;
        if (ret == UK_OK || each) {
            const uk_status s = op(*n, mem, f.data, f.len, f.done_len, avoid);
            if (s == UK_OK) ++done;
            else if (ret == UK_OK) ret = s;
        }
        std::memcpy(vec->data() + i * sizeof f + offsetof(uk_net_frame, done_len), &f.done_len, sizeof f.done_len);
    }
    return ret;
}

}  // namespace ukmon::net
