// The net calls as the ABI defines them (netwrite, netread, netwritev, netreadv), on checked
// guest memory: the hypercalls and the net ring's I/O thread serve a request the same way, so
// a ring completion is exactly what the hypercall would have returned. Allocation-free.
#pragma once
#include <array>
#include <cstdint>

#include <ukmon/abi.h>

#include "modules/net/net_module.hpp"
#include "monitor/guest_memory.hpp"

namespace ukmon::net {

// Guest memory no frame, buffer or vector may lie on: the net ring, which its I/O thread
// writes (UK_EFAULT, checked after the lengths, as the other pointer checks). Empty for the
// hypercalls.
struct Avoid {
    uint64_t gpa = 0, len = 0;
};

// One frame each way: the length checked, then the buffer (a read needs one the guest may
// write), then the frame moved. `done` is the frame's length on UK_OK and 0 otherwise.
uk_status write_one(const Nic& n, const GuestMemory& mem, uint64_t data, uint64_t len, uint64_t& done, Avoid avoid);
uk_status read_one(const Nic& n, const GuestMemory& mem, uint64_t data, uint64_t len, uint64_t& done, Avoid avoid);

using FrameOp = uk_status (*)(const Nic&, const GuestMemory&, uint64_t data, uint64_t len, uint64_t& done, Avoid avoid);

// A batch: the guest's vector of `count` frames at `frames`, checked whole and copied once
// into `copy` (the guest cannot change what was checked), served in order until one frame
// does not complete. `done` counts the frames that did; the result is the status of the one
// that did not (UK_EAGAIN when a read finds the NIC dry), or UK_OK. Every element's done_len
// is written back (0 from the first incomplete one on). `n` null: UK_EBADF.
// `each` (frames a guest queued and was told were accepted): every frame is tried on its
// own, so one the TAP refuses drops only itself, as a NIC drops it; the result is the first
// failure's status.
uk_status serve_vector(FrameOp op, const Nic* n, const GuestMemory& mem, uint64_t frames, uint64_t count,
                       std::array<uk_net_frame, UK_NET_BATCH_MAX>& copy, uint64_t& done, Avoid avoid,
                       bool each = false);

}  // namespace ukmon::net
