// The ring engine (see io_ring.hpp). Everything the guest wrote is read once by value: sq_tail
// with one atomic load per pass, each descriptor by the module's serve() through GuestMemory;
// the engine keeps its own head and done and never trusts the ring's copies of them.
#include "monitor/io_ring.hpp"

#include <linux/futex.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include "arch/machine.hpp"
#include "monitor/error.hpp"
#include "monitor/sandbox/filter.hpp"

namespace ukmon {
namespace {

// How long one WAIT blocks before the guest is asked to try again.
constexpr long wait_slice_ns = 10'000'000;

long futex(std::atomic<uint32_t>& word, int op, uint32_t value, const timespec* timeout = nullptr) {
    return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), op, value, timeout, nullptr, 0);
}

// The header every ring shares (abi.h asserts the net ring's offsets equal these).
constexpr uint64_t off_tail = offsetof(uk_blkring, sq_tail);
constexpr uint64_t off_done = offsetof(uk_blkring, done);
constexpr uint64_t off_need_kick = offsetof(uk_blkring, need_kick);
constexpr uint64_t off_error = offsetof(uk_blkring, error);
constexpr uint64_t off_taken = offsetof(uk_blkring, taken);

}  // namespace

void IoRing::prepare(const SyscallPolicy& device_rules) {
    if (prepared()) return;
    doorbell_ = UniqueFd(::eventfd(0, EFD_CLOEXEC));
    if (!doorbell_) throw_errno(std::string("eventfd for the ") + shape_.name + " ring");
    const std::string owner = std::string(shape_.name) + " ring thread";
    for (const SyscallRule& r : device_rules.rules()) thread_policy_.allow(r.nr, r.args, owner, r.why);
    const uint64_t efd = uint64_t(doorbell_.get());
    thread_policy_.allow(__NR_read, {{0, efd, ~0ull, "doorbell eventfd"}, {2, 8}}, owner, "sleep until the doorbell");
    thread_policy_.allow(__NR_futex, {{1, FUTEX_WAKE_PRIVATE, ~0ull, "FUTEX_WAKE_PRIVATE"}}, owner,
                         "wake a guest waiting in the ring's WAIT, and the exit path stopping it");
    thread_policy_.allow(__NR_futex, {{1, FUTEX_WAIT_PRIVATE, ~0ull, "FUTEX_WAIT_PRIVATE"}}, owner,
                         "park for good once stopped");
    thread_policy_.allow(__NR_clock_gettime, {}, owner, "the poll window (vDSO; the call on hosts without one)");
}

void IoRing::start(const GuestMemory& mem, Doorbells* doorbells) {
    if (!doorbells || !prepared() || started_) return;
    mem_.emplace(mem);
    auto port = doorbells->bind(doorbell_.get());
    if (!port) return;  // no doorbell here: the guest keeps the direct calls
    port_ = *port;
#ifndef UKMON_SANITIZE  // as Run::lock_down: the sanitizer runtimes make calls of their own
    thread_filter_ = sandbox::compile_filter(thread_policy_);
#endif
    // The thread takes no signal: stop signals and the deadline go to the run loop's thread.
    sigset_t all, old;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &old);
    std::thread(&IoRing::thread_main, this).detach();
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
    while (ready_.load() == 0) std::this_thread::yield();
    if (ready_.load() < 0)
        throw HostError(std::string(shape_.name) + " ring thread: installing its seccomp filter", -ready_.load());
    started_ = true;
}

void IoRing::add_syscall_rules(SyscallPolicy& p) const {
    if (!prepared()) return;
    const std::string ring = std::string(shape_.name) + " ring";
    p.allow(__NR_write, {{0, uint64_t(doorbell_.get()), ~0ull, "doorbell eventfd"}, {2, 8}}, shape_.name,
            "wake the " + ring + " thread at set-up and to stop it at exit");
    p.allow(__NR_futex, {{1, FUTEX_WAIT_PRIVATE, ~0ull, "FUTEX_WAIT_PRIVATE"}}, shape_.name,
            "the " + ring + "'s WAIT, and the exit path waiting for its thread to stop");
    p.allow(__NR_futex, {{1, FUTEX_WAKE_PRIVATE, ~0ull, "FUTEX_WAKE_PRIVATE"}}, shape_.name,
            "the " + ring + "'s WAIT serving the ring itself: the wake after a completion or a broken ring");
}

std::atomic_ref<uint64_t> IoRing::ring_word(uint64_t offset) const {
    return std::atomic_ref<uint64_t>(*reinterpret_cast<uint64_t*>(ring_ + offset));
}

uk_status IoRing::setup(uint64_t ring_gpa, uint64_t& doorbell_port) {
    if (!started_ || active_.load()) return UK_EINVAL;
    if (ring_gpa % 64 != 0) return UK_EINVAL;
    // Writable by the guest: the monitor writes done, need_kick, error and the completions.
    auto span = mem_->try_writable_span(ring_gpa, shape_.size);
    if (!span) return UK_EFAULT;
    ring_gpa_ = ring_gpa;
    ring_ = span->data();
    active_.store(true);
    uint64_t one = 1;
    (void)!::write(doorbell_.get(), &one, sizeof one);
    doorbell_port = port_;
    return UK_OK;
}

uk_status IoRing::wait(uint64_t until) {
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

void IoRing::stop() {
    if (!started_ || stopped_.load()) return;
    stop_.store(true);
    uint64_t one = 1;
    (void)!::write(doorbell_.get(), &one, sizeof one);
    while (stopped_.load() == 0) futex(stopped_, FUTEX_WAIT_PRIVATE, 0);
}

void IoRing::fail(uk_status status) {
    error_.store(uint32_t(status));
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(ring_ + off_error)).store(uint32_t(status));
    seq_.fetch_add(1);
    futex(seq_, FUTEX_WAKE_PRIVATE, 1);
}

bool IoRing::serve_pending() {
    if (!active_.load(std::memory_order_acquire) || error_.load()) return false;
    const uint64_t tail = ring_word(off_tail).load(std::memory_order_acquire);  // read once
    uint64_t head = head_.load(std::memory_order_relaxed);
    const uint64_t pending = tail - head;  // free-running: wraps as the guest's does
    if (pending == 0) return false;
    if (pending > shape_.slots) {  // more than the ring holds: an index the guest broke
        fail(UK_EINVAL);
        return false;
    }
    for (uint64_t i = 0; i < pending && !stop_.load(std::memory_order_relaxed); ++i) {
        const uint64_t slot = head % shape_.slots;
        ring_word(off_taken).store(head + 1, std::memory_order_release);  // the guest may keep polling
        serve(slot, ring_gpa_ + shape_.desc_offset + slot * shape_.desc_size);
        head_.store(++head, std::memory_order_relaxed);
        ring_word(off_done).store(head, std::memory_order_release);
        done_.store(head);
        seq_.fetch_add(1);
        if (waiters_.load()) futex(seq_, FUTEX_WAKE_PRIVATE, 1);
    }
    return true;
}

bool IoRing::try_serve() {
    if (serving_.exchange(true, std::memory_order_acquire)) return false;
    bool served = serve_pending();
    serving_.store(false, std::memory_order_release);
    return served;
}

bool IoRing::work_waiting(std::memory_order order) const {
    return active_.load(std::memory_order_acquire) && !error_.load() &&
           ring_word(off_tail).load(order) != head_.load(std::memory_order_relaxed);
}

bool IoRing::wait_for_work() {
    // Poll first: the next request usually comes within an exit's time of the last one.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(shape_.poll_window_us);
    do {
        if (stop_.load(std::memory_order_relaxed)) return false;
        if (work_waiting(std::memory_order_acquire)) return true;
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
    if (!work_waiting(std::memory_order_seq_cst) && !stop_.load()) {
        uint64_t count;
        (void)!::read(doorbell_.get(), &count, sizeof count);
    }
    need_kick(0);
    return true;
}

void IoRing::thread_main() {
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

}  // namespace ukmon
