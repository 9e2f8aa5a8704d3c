// The blk ring's monitor side under kvm: one I/O thread serving requests the guest puts in a
// ring in its own memory (abi.h, struct uk_blkring), woken by a doorbell handled inside KVM,
// under its own seccomp filter. The guest exits only to wait (UK_BLKRING_WAIT).
#pragma once
#include <linux/filter.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/doorbells.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/sandbox/syscall_policy.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon::blk {

struct Device;

class RingServer {
public:
    // Before lockdown. Without doorbells (seccomp) or devices it starts nothing and setup()
    // says UK_EINVAL, so the guest library keeps the direct calls. `device_rules`: the blk
    // module's pread64/pwrite64/fsync rules, the core of the thread's own filter.
    // `devices`: the module's table by handle (attached ones only are served).
    void start(std::span<const Device> devices, const GuestMemory& mem, Doorbells* doorbells,
               const SyscallPolicy& device_rules);
    bool started() const { return started_; }

    // The hypercall (main thread). SETUP checks the ring's place; WAIT blocks a while.
    uk_status setup(uint64_t ring_gpa, uint64_t& doorbell_port);
    uk_status wait(uint64_t until);

    // Exit path, before the disks are flushed: the thread finishes the request it is on and
    // stops for good, so every write it completed is in the file before fsync. Idempotent,
    // allocation-free.
    void stop();

    // What the main thread needs for the ring (the wait, the kick, the stop handshake).
    void add_syscall_rules(SyscallPolicy& policy) const;
    // The I/O thread's own filter, for tests and --verbose.
    const SyscallPolicy& thread_policy() const { return thread_policy_; }

private:
    void thread_main();
    bool serve_pending();           // false when there was nothing to do; holds serving_
    bool try_serve();               // serve_pending() if no one else is serving
    bool wait_for_work();           // spins briefly, then sleeps on the doorbell
    void fail(uk_status status);
    std::atomic_ref<uint64_t> ring_word(uint64_t offset) const;

    const Device* device(uint64_t handle) const;  // attached, or nullptr

    std::span<const Device> devices_;
    std::optional<GuestMemory> mem_;
    UniqueFd doorbell_;             // eventfd: the guest's outb, setup's and stop's kick
    uint16_t port_ = 0;
    bool started_ = false;
    SyscallPolicy thread_policy_;
    std::vector<sock_filter> thread_filter_;

    // Written by the main thread before `active_` is set, read-only afterwards.
    uint64_t ring_gpa_ = 0;
    std::byte* ring_ = nullptr;     // GuestMemory's checked span of the whole ring
    std::atomic<bool> active_{false};

    // Whoever serves holds `serving_`: the I/O thread, or the run loop's thread in WAIT when
    // the I/O thread is not running (on a busy host it may wait long for a CPU).
    std::atomic<bool> serving_{false};
    std::atomic<uint64_t> head_{0}; // the monitor's own: descriptors consumed (never re-read)
    std::atomic<uint64_t> done_{0}; // the monitor's copy of `done` (the guest's may be scribbled)
    std::atomic<uint32_t> seq_{0};  // futex word: bumped on every completion batch
    std::atomic<uint32_t> waiters_{0};
    std::atomic<uint32_t> error_{0};
    std::atomic<bool> stop_{false};
    std::atomic<uint32_t> stopped_{0};  // futex word
    std::atomic<int> ready_{0};         // 1: filter installed, -errno: failed
};

}  // namespace ukmon::blk
