// The blk ring's I/O thread (see blk_ring.hpp). Everything the guest wrote is read once by
// value: sq_tail with one atomic load per pass, each descriptor with one GuestMemory::read;
// the thread keeps its own head and done and never trusts the ring's copies of them.
#include "modules/blk/blk_ring.hpp"

#include <linux/futex.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <thread>

#include "arch/machine.hpp"
#include "modules/blk/blk_io.hpp"
#include "modules/blk/blk_module.hpp"
#include "modules/blk/blk_ring_request.hpp"
#include "monitor/error.hpp"
#include "monitor/sandbox/filter.hpp"

namespace ukmon::blk {
namespace {

constexpr uint64_t slots = UK_BLKRING_SLOTS;
// How long the idle thread polls for the next request before it sleeps: a little more than
// an exit costs on PVM, so a guest issuing requests back to back never needs the doorbell.
constexpr auto poll_window = std::chrono::microseconds(60);
// How long one WAIT blocks before the guest is asked to try again.
constexpr long wait_slice_ns = 10'000'000;

long futex(std::atomic<uint32_t>& word, int op, uint32_t value, const timespec* timeout = nullptr) {
    return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), op, value, timeout, nullptr, 0);
}

constexpr uint64_t off_tail = offsetof(uk_blkring, sq_tail);
constexpr uint64_t off_done = offsetof(uk_blkring, done);
constexpr uint64_t off_need_kick = offsetof(uk_blkring, need_kick);
constexpr uint64_t off_error = offsetof(uk_blkring, error);

}  // namespace

void RingServer::start(std::span<const Device> devices, const GuestMemory& mem, Doorbells* doorbells,
                       const SyscallPolicy& device_rules) {
    if (!doorbells) return;
    devices_ = devices;
    mem_.emplace(mem);
    doorbell_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
    if (!doorbell_) throw_errno("eventfd for the blk ring");
    auto port = doorbells->bind(doorbell_.get());
    if (!port) return;  // no doorbell here: the guest keeps the direct calls
    port_ = *port;
    const uint64_t efd = uint64_t(doorbell_.get());
    for (const SyscallRule& r : device_rules.rules())
        if (r.nr == __NR_pread64 || r.nr == __NR_pwrite64 || r.nr == __NR_fsync)
            thread_policy_.allow(r.nr, r.args, "blk ring thread", r.why);
    thread_policy_.allow(__NR_read, {{0, efd, ~0ull, "doorbell eventfd"}, {2, 8}}, "blk ring thread", "sleep until the doorbell");
    thread_policy_.allow(__NR_futex, {{1, FUTEX_WAKE_PRIVATE, ~0ull, "FUTEX_WAKE_PRIVATE"}}, "blk ring thread",
                         "wake a guest waiting in UK_BLKRING_WAIT, and the exit path stopping it");
    thread_policy_.allow(__NR_futex, {{1, FUTEX_WAIT_PRIVATE, ~0ull, "FUTEX_WAIT_PRIVATE"}}, "blk ring thread",
                         "park for good once stopped");
    thread_policy_.allow(__NR_clock_gettime, {}, "blk ring thread", "the poll window (vDSO; the call on hosts without one)");
#ifndef UKMON_SANITIZE  // as Run::lock_down: the sanitizer runtimes make calls of their own
    thread_filter_ = sandbox::compile_filter(thread_policy_);
#endif
    // The thread takes no signal: stop signals and the deadline go to the run loop's thread.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    std::thread(&RingServer::thread_main, this).detach();
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    while (ready_.load() == 0) std::this_thread::yield();
    if (ready_.load() < 0) throw HostError("blk ring thread: installing its seccomp filter", -ready_.load());
    started_ = true;
}

void RingServer::add_syscall_rules(SyscallPolicy& p) const {
    if (!started_) return;
    p.allow(__NR_write, {{0, uint64_t(doorbell_.get()), ~0ull, "blk ring doorbell"}, {2, 8}}, "blk",
            "wake the ring thread at set-up and to stop it at exit");
    p.allow(__NR_futex, {{1, FUTEX_WAIT_PRIVATE, ~0ull, "FUTEX_WAIT_PRIVATE"}}, "blk",
            "UK_BLKRING_WAIT, and the exit path waiting for the ring thread to stop");
    p.allow(__NR_futex, {{1, FUTEX_WAKE_PRIVATE, ~0ull, "FUTEX_WAKE_PRIVATE"}}, "blk",
            "UK_BLKRING_WAIT serving the ring itself: the wake after a completion or a broken ring");
}

const Device* RingServer::device(uint64_t handle) const {
    return handle < devices_.size() && devices_[handle].attached ? &devices_[handle] : nullptr;
}

std::atomic_ref<uint64_t> RingServer::ring_word(uint64_t offset) const {
    return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(ring_ + offset));
}

uk_status RingServer::setup(uint64_t ring_gpa, uint64_t& doorbell_port) {
    if (!started_ || active_.load()) return UK_EINVAL;
    if (ring_gpa % 64 != 0) return UK_EINVAL;
    // Writable by the guest: the monitor writes done, need_kick, error and the statuses.
    auto span = mem_->try_writable_span(ring_gpa, sizeof(uk_blkring));
    if (!span) return UK_EFAULT;
    ring_gpa_ = ring_gpa;
    ring_ = span->data();
    active_.store(true);
    uint64_t one = 1;
    (void)!::write(doorbell_.get(), &one, sizeof one);
    doorbell_port = port_;
    return UK_OK;
}

uk_status RingServer::wait(uint64_t until) {
    if (!active_.load()) return UK_EINVAL;
    // The guest exits only after spinning a while: the I/O thread may be waiting for a CPU.
    // Serve what is there from here rather than wait for it (the same checks, one server at
    // a time), so a request never costs more than the exit the direct call would have.
    if (!stop_.load()) try_serve();
    waiters_.store(1);
    uint32_t seen = seq_.load();
    uk_status s = UK_EAGAIN;
    if (uint32_t e = error_.load()) s = uk_status(e);
    else if (done_.load() >= until) s = UK_OK;
    else {
        timespec slice{0, wait_slice_ns};
        futex(seq_, FUTEX_WAIT_PRIVATE, seen, &slice);
        if (uint32_t e2 = error_.load()) s = uk_status(e2);
        else if (done_.load() >= until) s = UK_OK;
    }
    waiters_.store(0);
    return s;
}

void RingServer::stop() {
    if (!started_ || stopped_.load()) return;
    stop_.store(true);
    uint64_t one = 1;
    (void)!::write(doorbell_.get(), &one, sizeof one);
    while (stopped_.load() == 0) futex(stopped_, FUTEX_WAIT_PRIVATE, 0);
}

void RingServer::fail(uk_status status) {
    error_.store(uint32_t(status));
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(ring_ + off_error)).store(uint32_t(status));
    seq_.fetch_add(1);
    futex(seq_, FUTEX_WAKE_PRIVATE, 1);
}

bool RingServer::serve_pending() {
    if (!active_.load(std::memory_order_acquire) || error_.load()) return false;
    const uint64_t tail = ring_word(off_tail).load(std::memory_order_acquire);  // read once
    uint64_t head = head_.load(std::memory_order_relaxed);
    const uint64_t pending = tail - head;  // free-running: wraps as the guest's does
    if (pending == 0) return false;
    if (pending > slots) {  // more than the ring holds: an index the guest broke
        fail(UK_EINVAL);
        return false;
    }
    for (uint64_t i = 0; i < pending && !stop_.load(std::memory_order_relaxed); ++i) {
        const uint64_t slot = head % slots;
        const auto d = mem_->read<uk_blkring_desc>(ring_gpa_ + offsetof(uk_blkring, desc) + slot * sizeof(uk_blkring_desc),
                                                   "blk ring descriptor");
        RingRequest r;
        uk_status s = parse_ring_desc(d, [&](uint64_t h) { return device(h); }, *mem_, ring_gpa_, r);
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
        std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(ring_ + offsetof(uk_blkring, status) + slot * 8))
            .store(uint64_t(int64_t(s)), std::memory_order_relaxed);
        head_.store(++head, std::memory_order_relaxed);
        ring_word(off_done).store(head, std::memory_order_release);
        done_.store(head);
        seq_.fetch_add(1);
        if (waiters_.load()) futex(seq_, FUTEX_WAKE_PRIVATE, 1);
    }
    return true;
}

bool RingServer::try_serve() {
    if (serving_.exchange(true, std::memory_order_acquire)) return false;
    bool served = serve_pending();
    serving_.store(false, std::memory_order_release);
    return served;
}

bool RingServer::wait_for_work() {
    // Poll first: the next request usually comes within an exit's time of the last one.
    const auto until = std::chrono::steady_clock::now() + poll_window;
    do {
        if (stop_.load(std::memory_order_relaxed)) return false;
        if (active_.load(std::memory_order_acquire) && !error_.load() &&
            ring_word(off_tail).load(std::memory_order_acquire) != head_.load(std::memory_order_relaxed))
            return true;
        // Not sched_yield: on a busy host that hands the CPU to any other task for a whole
        // time slice (measured: 4 KiB requests 10x slower). A vCPU that shares this CPU
        // exits to WAIT instead, and the run loop's thread serves the ring itself.
        arch::cpu_relax();
    } while (std::chrono::steady_clock::now() < until);
    // Then sleep: say so first, then look once more (the guest publishes, then reads need_kick).
    auto need_kick = [&](uint32_t v) {
        if (active_.load()) std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(ring_ + off_need_kick)).store(v);
    };
    need_kick(1);
    if (!(active_.load() && !error_.load() && ring_word(off_tail).load() != head_.load()) && !stop_.load()) {
        uint64_t count;
        (void)!::read(doorbell_.get(), &count, sizeof count);
    }
    need_kick(0);
    return true;
}

void RingServer::thread_main() {
    if (!thread_filter_.empty()) {
        try {
            sandbox::install_filter(thread_filter_);
        } catch (const HostError&) {
            ready_.store(-(errno ? errno : EPERM));
            return;
        }
    }
    ready_.store(1);
    while (!stop_.load()) {
        if (!try_serve()) wait_for_work();
    }
    stopped_.store(1);
    futex(stopped_, FUTEX_WAKE_PRIVATE, 1);
    // Park for good: the process ends with the run (exit_group), the thread with it.
    std::atomic<uint32_t> never{0};
    for (;;) futex(never, FUTEX_WAIT_PRIVATE, 0);
}

}  // namespace ukmon::blk
