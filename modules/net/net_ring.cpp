// The net ring's descriptors (see net_ring.hpp): each is copied once by value with
// GuestMemory::read, checked by parse_net_desc, and served by the same code as the hypercall
// it stands for (net_calls.hpp), on that checked copy only.
#include "modules/net/net_ring.hpp"

#include <sys/syscall.h>

#include <atomic>

#include "modules/net/net_calls.hpp"
#include "modules/net/net_module.hpp"
#include "modules/net/net_ring_request.hpp"

namespace ukmon::net {

NetRing::NetRing()
    // Polls 250 µs after a kick: more than a guest's round trip through WAIT even where an exit
    // costs 78 µs, so a stream that once fell back to WAIT finds the thread awake. Then dozes
    // (abi.h, UK_NETRING_DOZE_MS) for the frames a guest queued without waiting, and serves
    // what is still queued at exit.
    : IoRing({"net", sizeof(uk_netring), UK_NETRING_SLOTS, offsetof(uk_netring, desc), sizeof(uk_netring_desc), 250,
              UK_NETRING_DOZE_MS, true}) {}

void NetRing::prepare(std::span<const Nic> nics, const SyscallPolicy& device_rules) {
    nics_ = nics;
    SyscallPolicy thread_rules;
    for (const SyscallRule& r : device_rules.rules())
        if (r.nr == __NR_write || r.nr == __NR_readv) thread_rules.allow(r.nr, r.args, r.owner, r.why);
    IoRing::prepare(thread_rules);
}

const Nic* NetRing::nic(uint64_t handle) const {
    return handle < nics_.size() && nics_[handle].attached ? &nics_[handle] : nullptr;
}

bool NetRing::serve(uint64_t slot, uint64_t desc_gpa) {
    const auto d = mem().read<uk_netring_desc>(desc_gpa, "net ring descriptor");
    const bool queued = d.op & UK_NETRING_QUEUED;  // no one waits: each frame sent or dropped alone
    NetRingRequest r;
    uint64_t done = 0;
    uk_status s = parse_net_desc(d, [&](uint64_t h) { return nic(h); }, r);
    if (s == UK_OK) {
        const Avoid avoid{ring_gpa(), sizeof(uk_netring)};  // the thread writes the ring itself
        switch (r.op) {
            case UK_NETRING_WRITE: s = write_one(*r.nic, mem(), r.data, r.len, done, avoid); break;
            case UK_NETRING_READ: s = read_one(*r.nic, mem(), r.data, r.len, done, avoid); break;
            case UK_NETRING_WRITEV:
                s = serve_vector(write_one, r.nic, mem(), r.data, r.len, frame_copy_, done, avoid, queued);
                break;
            default: s = serve_vector(read_one, r.nic, mem(), r.data, r.len, frame_copy_, done, avoid); break;
        }
    }
    std::byte* c = ring() + offsetof(uk_netring, comp) + slot * sizeof(uk_netring_completion);
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(c + offsetof(uk_netring_completion, status)))
        .store(uint64_t(int64_t(s)), std::memory_order_relaxed);
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(c + offsetof(uk_netring_completion, done)))
        .store(done, std::memory_order_relaxed);
    return !queued;
}

}  // namespace ukmon::net
