// The ring engine (see io_ring.hpp). Everything the guest wrote is read once by value: sq_tail
// with one atomic load per pass, each descriptor by the module's serve() through GuestMemory;
// the engine keeps its own head and done and never trusts the ring's copies of them.
#include "monitor/io_ring.hpp"

#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <thread>

#include "arch/machine.hpp"
#include "monitor/error.hpp"
#include "monitor/sandbox/filter.hpp"

namespace ukmon {
namespace {

// How long one WAIT blocks before the guest is asked to try again.
constexpr long wait_slice_ns = 10'000'000;
// Dozes in a row that found nothing before the thread sleeps until kicked: 100 ms at 1 ms,
// so an idle guest costs no CPU and a busy one never waits for a kick.
constexpr int dozes_before_sleep = 100;

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
    thread_policy_.allow(__NR_clock_gettime, {{0, CLOCK_MONOTONIC, ~0ull, "CLOCK_MONOTONIC"}}, owner,
                         "the poll window (vDSO; the call on hosts without one)");
    if (shape_.doze_ms)  // the fd is behind a pointer the filter cannot follow: pin the count and the mask
        thread_policy_.allow(__NR_ppoll, {{1, 1}, {3, 0, ~0ull, "NULL"}}, owner,
                             "doze: wait on the doorbell until the next look at the ring, no signal mask");
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
    if (!stop_.load()) (void)try_serve();
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

void IoRing::serve_published() {
    if (!active_.load(std::memory_order_acquire) || stop_.load()) return;
    const uint64_t tail = ring_word(off_tail).load(std::memory_order_acquire);  // this call's
    // Free-running indices: "done before tail" as a signed distance. A tail the guest broke
    // breaks the ring in serve_pending (error_ ends the loop). WAIT's own step: serve what is
    // there, or sleep until the I/O thread's next completion.
    while (int64_t(tail - done_.load()) > 0 && !error_.load() && !stop_.load()) (void)wait(tail);
}

void IoRing::stop() {
    if (!started_ || stopped_.load()) return;
    stop_.store(true);
    uint64_t one = 1;
    (void)!::write(doorbell_.get(), &one, sizeof one);
    while (stopped_.load() == 0) futex(stopped_, FUTEX_WAIT_PRIVATE, 0);
    // What the guest was told is on its way (queued frames) leaves now, however the run
    // ended: at most one pass over the ring, each descriptor checked as ever. Not when a
    // deadline or stop signal came while the run loop's thread was itself serving (this is
    // then its signal handler, and the descriptor it was on may be half sent): what it had
    // not reached is dropped, as a NIC's queue is at power-off.
    if (shape_.serve_at_stop && !serving_.exchange(true)) (void)serve_pending(false);
}

void IoRing::fail(uk_status status) {
    error_.store(uint32_t(status));
    std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(ring_ + off_error)).store(uint32_t(status));
    seq_.fetch_add(1);
    futex(seq_, FUTEX_WAKE_PRIVATE, 1);
}

IoRing::Served IoRing::serve_pending(bool honour_stop) {
    if (!active_.load(std::memory_order_acquire) || error_.load()) return Served::nothing;
    const uint64_t tail = ring_word(off_tail).load(std::memory_order_acquire);  // read once
    uint64_t head = head_.load(std::memory_order_relaxed);
    const uint64_t pending = tail - head;  // free-running: wraps as the guest's does
    if (pending == 0) return Served::nothing;
    if (pending > shape_.slots) {  // more than the ring holds: an index the guest broke
        fail(UK_EINVAL);
        return Served::nothing;
    }
    Served served = Served::queued;
    for (uint64_t i = 0; i < pending && !(honour_stop && stop_.load(std::memory_order_relaxed)); ++i) {
        const uint64_t slot = head % shape_.slots;
        ring_word(off_taken).store(head + 1, std::memory_order_release);  // the guest may keep polling
        if (serve(slot, ring_gpa_ + shape_.desc_offset + slot * shape_.desc_size)) served = Served::waited;
        head_.store(++head, std::memory_order_relaxed);
        ring_word(off_done).store(head, std::memory_order_release);
        done_.store(head);
        seq_.fetch_add(1);
        if (waiters_.load()) futex(seq_, FUTEX_WAKE_PRIVATE, 1);
    }
    return served;
}

IoRing::Served IoRing::try_serve() {
    if (serving_.exchange(true, std::memory_order_acquire)) return Served::nothing;
    Served served = serve_pending();
    serving_.store(false, std::memory_order_release);
    return served;
}

bool IoRing::work_waiting(std::memory_order order) const {
    return active_.load(std::memory_order_acquire) && !error_.load() &&
           ring_word(off_tail).load(order) != head_.load(std::memory_order_relaxed);
}

void IoRing::set_need_kick(uint32_t v) {
    if (active_.load()) std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(ring_ + off_need_kick)).store(v);
}

void IoRing::arm_window() {
    window_end_ = std::chrono::steady_clock::now() + std::chrono::microseconds(shape_.poll_window_us);
}

void IoRing::wait_for_work() {
    // Poll first: the next request a guest waits on usually comes within an exit's time of the
    // last one. Frames it only queued do not keep the thread polling (they would take a CPU
    // from the guest and the host's network stack for nothing: no one waits on them).
    while (std::chrono::steady_clock::now() < window_end_) {
        if (stop_.load(std::memory_order_relaxed)) return;
        if (work_waiting(std::memory_order_acquire)) return;
        // Not sched_yield: on a busy host that hands the CPU to any other task for a whole
        // time slice (measured: 4 KiB requests 10x slower). A vCPU that shares this CPU
        // exits to WAIT instead, and the run loop's thread serves the ring itself.
        arch::cpu_relax();
    }
    // Doze: a guest about to wait on a completion kicks; frames it only queued are taken at
    // the next look (or by its next exit). The state is said first, then the ring looked at
    // (the guest publishes, then reads need_kick).
    if (shape_.doze_ms) {
        set_need_kick(UK_NETRING_DOZING);
        if (work_waiting(std::memory_order_seq_cst)) return;
        pollfd bell{doorbell_.get(), POLLIN, 0};
        for (int idle = 0; idle < dozes_before_sleep && !stop_.load(); ++idle) {
            // Afresh each time: the system call writes back the time left (0 after a timeout).
            timespec doze{time_t(shape_.doze_ms / 1000), long(shape_.doze_ms % 1000) * 1'000'000};
            if (::syscall(SYS_ppoll, &bell, 1, &doze, nullptr, 0) > 0) {
                uint64_t count;
                (void)!::read(doorbell_.get(), &count, sizeof count);
                set_need_kick(UK_NETRING_POLLING);
                arm_window();
                return;
            }
            if (work_waiting(std::memory_order_acquire)) return;  // stays DOZING while it serves
        }
    }
    // Then sleep until kicked.
    set_need_kick(shape_.doze_ms ? UK_NETRING_ASLEEP : 1);
    if (!work_waiting(std::memory_order_seq_cst) && !stop_.load()) {
        uint64_t count;
        (void)!::read(doorbell_.get(), &count, sizeof count);
    }
    set_need_kick(UK_NETRING_POLLING);
    arm_window();
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
    arm_window();
    while (!stop_.load()) {
        const Served s = try_serve();
        if (s == Served::waited) {  // a guest waits: poll for its next one (and say so)
            set_need_kick(UK_NETRING_POLLING);
            arm_window();
        } else if (s == Served::nothing) {
            wait_for_work();
        }
    }
    stopped_.store(1);
    futex(stopped_, FUTEX_WAKE_PRIVATE, 1);
    // Park for good: the process ends with the run (exit_group), the thread with it.
    std::atomic<uint32_t> never{0};
    for (;;) futex(never, FUTEX_WAIT_PRIVATE, 0);
}

}  // namespace ukmon
