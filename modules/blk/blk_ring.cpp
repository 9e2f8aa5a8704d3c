// The blk ring's descriptors (see blk_ring.hpp): each is copied once by value with
// GuestMemory::read, checked by parse_ring_desc, and only the checked copy is acted on.
#include "modules/blk/blk_ring.hpp"

#include <sys/syscall.h>

#include <atomic>

#include "modules/blk/blk_io.hpp"
#include "modules/blk/blk_module.hpp"
#include "modules/blk/blk_ring_request.hpp"

namespace ukmon::blk {

RingServer::RingServer()
    // Polls 60 µs after the last request, a little more than an exit costs on PVM, so a guest
    // issuing requests back to back never needs the doorbell.
    : IoRing({"blk", sizeof(uk_blkring), UK_BLKRING_SLOTS, offsetof(uk_blkring, desc), sizeof(uk_blkring_desc), 60}) {}

void RingServer::prepare(std::span<const Device> devices, const SyscallPolicy& device_rules) {
    devices_ = devices;
    SyscallPolicy thread_rules;
    for (const SyscallRule& r : device_rules.rules())
        if (r.nr == __NR_pread64 || r.nr == __NR_pwrite64 || r.nr == __NR_fsync) thread_rules.allow(r.nr, r.args, r.owner, r.why);
    IoRing::prepare(thread_rules);
}

const Device* RingServer::device(uint64_t handle) const {
    return handle < devices_.size() && devices_[handle].attached ? &devices_[handle] : nullptr;
}

bool RingServer::serve(uint64_t slot, uint64_t desc_gpa) {
    const auto d = mem().read<uk_blkring_desc>(desc_gpa, "blk ring descriptor");
    RingRequest r;
    uk_status s = parse_ring_desc(d, [&](uint64_t h) { return device(h); }, mem(), ring_gpa(), r);
    if (s == UK_OK) {
        const int fd = r.device->fd.get();
        bool ok = true;
        if (r.op == UK_BLKRING_FLUSH) ok = r.device->read_only || sync_fd(fd);
        else if (r.op == UK_BLKRING_READ) ok = read_fully(fd, r.data.data(), r.data.size(), r.offset);
        else ok = write_fully(fd, r.data.data(), r.data.size(), r.offset);
        s = ok ? UK_OK : UK_EIO;
        if (ok && r.op != UK_BLKRING_FLUSH) {  // --stats, read at the end once the thread stopped
            ++r.device->requests;
            (r.op == UK_BLKRING_READ ? r.device->bytes_in : r.device->bytes_out) += r.data.size();
        }
    }
    std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(ring() + offsetof(uk_blkring, status) + slot * 8))
        .store(uint64_t(int64_t(s)), std::memory_order_relaxed);
    return true;
}

}  // namespace ukmon::blk
