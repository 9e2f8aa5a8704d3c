// The engine both exitless rings share (abi.h: struct uk_blkring, struct uk_netring): one I/O
// thread per ring under its own seccomp filter, woken by a doorbell handled inside KVM; the
// guest exits only to wait. A device module derives from it and serves one descriptor at a
// time (serve()); the engine owns the ring's header (sq_tail, done, need_kick, error), the
// set-up checks, the waiting and the stop handshake. docs/performance.md, "The blk ring".
#pragma once
#include <linux/filter.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <ukmon/abi.h>

#include "monitor/doorbells.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/sandbox/syscall_policy.hpp"
#include "monitor/unique_fd.hpp"

namespace ukmon {

// Where a ring's parts lie; the header offsets are the same for every ring (abi.h asserts it).
struct RingShape {
    const char* name;         // "blk", "net": owner of the rules, and messages
    uint64_t size;            // sizeof the ring struct
    uint64_t slots;           // a power of two
    uint64_t desc_offset;     // offsetof(ring, desc)
    uint64_t desc_size;       // sizeof one descriptor
    uint64_t poll_window_us;  // how long the idle thread polls for the next descriptor before it
                              // sleeps: more than the guest's round trip through an exit
    uint64_t doze_ms = 0;     // 0: then it sleeps until kicked. Else it first dozes: looks at the
                              // ring every doze_ms without being kicked (need_kick DOZING), for
                              // descriptors the guest does not wait on (the net ring's queued
                              // frames), and sleeps once dozes_before_sleep found nothing
    bool serve_at_stop = false;  // stop() serves what is still published (queued frames)
};

class IoRing {
public:
    explicit IoRing(RingShape shape) : shape_(shape) {}
    virtual ~IoRing() = default;
    IoRing(const IoRing&) = delete;
    IoRing& operator=(const IoRing&) = delete;

    // Before --print-filter and before boot, on a backend with doorbells: creates the doorbell
    // eventfd and the thread's filter from `device_rules` (the device model's own calls the
    // thread makes, each restricted as the module restricts it). Both are then what the run
    // installs, so --print-filter shows them exactly.
    void prepare(const SyscallPolicy& device_rules);
    bool prepared() const { return bool(doorbell_); }
    // Before lockdown, once guest memory exists: binds the doorbell and starts the thread.
    // Without a doorbell (the host refuses one) it starts nothing and setup() says UK_EINVAL.
    void start(const GuestMemory& mem, Doorbells* doorbells);
    bool started() const { return started_; }

    // The hypercall (run loop's thread). SETUP checks the ring's place; WAIT blocks a while.
    uk_status setup(uint64_t ring_gpa, uint64_t& doorbell_port);
    uk_status wait(uint64_t until);

    // Run loop's thread, before a call that must come after what the guest published (a
    // frame sent directly after frames it queued; a poll): returns once every descriptor
    // published before the call is served, by whichever thread serves it. No-op without a ring.
    void serve_published();

    // Exit path: the thread finishes the descriptor it is on and stops for good; with
    // serve_at_stop the caller then serves what is still published. Idempotent,
    // allocation-free.
    void stop();

    // What the run loop's thread needs for the ring (the wait, the kick, the stop handshake):
    // present once prepared, so that --print-filter shows what the run installs.
    void add_syscall_rules(SyscallPolicy& policy) const;
    // The I/O thread's own filter (empty until prepared), and the program compiled from it
    // that the thread installed (empty until started, and in sanitizer builds).
    const SyscallPolicy& thread_policy() const { return thread_policy_; }
    const std::vector<sock_filter>& thread_filter() const { return thread_filter_; }

protected:
    // Serves the descriptor in `slot` (at guest address `desc_gpa`): copies it once by value
    // through mem(), checks it, acts, and writes its completion into the ring. Never throws
    // for anything the guest wrote. Returns whether the guest waits for this completion (the
    // thread then keeps polling for the next one) or only queued it (a frame to send).
    virtual bool serve(uint64_t slot, uint64_t desc_gpa) = 0;
    const GuestMemory& mem() const { return *mem_; }
    uint64_t ring_gpa() const { return ring_gpa_; }
    std::byte* ring() const { return ring_; }
    bool stopping() const { return stop_.load(std::memory_order_relaxed); }

private:
    void thread_main();
    enum class Served { nothing, queued, waited };  // waited: a guest waits on one of them
    Served serve_pending(bool honour_stop = true);  // holds serving_
    Served try_serve();             // serve_pending() if no one else is serving
    // Polls until the poll window ends, then dozes (if the shape does) and sleeps on the
    // doorbell. A kick, or a descriptor a guest waits on, opens a new window (arm_window).
    void wait_for_work();
    void arm_window();
    void set_need_kick(uint32_t v);
    bool work_waiting(std::memory_order order) const;
    void fail(uk_status status);
    std::atomic_ref<uint64_t> ring_word(uint64_t offset) const;

    const RingShape shape_;
    std::optional<GuestMemory> mem_;
    UniqueFd doorbell_;             // eventfd: the guest's outb, setup's and stop's kick
    uint16_t port_ = 0;
    bool started_ = false;
    SyscallPolicy thread_policy_;
    std::vector<sock_filter> thread_filter_;

    // Written by the run loop's thread before `active_` is set, read-only afterwards.
    uint64_t ring_gpa_ = 0;
    std::byte* ring_ = nullptr;     // GuestMemory's checked span of the whole ring
    std::atomic<bool> active_{false};

    // Whoever serves holds `serving_`: the I/O thread, or the run loop's thread in WAIT when
    // the I/O thread is not running (on a busy host it may wait long for a CPU).
    std::atomic<bool> serving_{false};
    std::atomic<uint64_t> head_{0}; // the monitor's own: descriptors consumed (never re-read)
    std::atomic<uint64_t> done_{0}; // the monitor's copy of `done` (the guest's may be scribbled)
    std::atomic<uint32_t> seq_{0};  // futex word: bumped on every completion
    std::atomic<uint32_t> waiters_{0};
    std::atomic<uint32_t> error_{0};
    std::atomic<bool> stop_{false};
    std::atomic<uint32_t> stopped_{0};  // futex word
    std::atomic<int> ready_{0};         // 1: filter installed, -errno: failed
    std::chrono::steady_clock::time_point window_end_;  // the I/O thread's own
};

}  // namespace ukmon
