// Solo5 spt under kvm: the monitor performs the system calls the device model let through
// (Run::serve_syscall checked them against the same rules the seccomp filter holds). Guest
// pointers go through the one door (ctx.mem, the guest's own rights); devices through their
// modules (Module::device_io); the epoll set and timerfd are the real ones.
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>


#include <cerrno>
#include <cstring>
#include <ctime>

#include "arch/native.hpp"
#include "monitor/abi/solo5/spt.hpp"
#include "monitor/error.hpp"

namespace ukmon::abi_solo5::spt {
namespace {

long errno_result(long r) { return r < 0 ? -errno : r; }

// The device behind a host fd the guest names (the manifest copy gave it that fd).
struct Target {
    Module* module = nullptr;
    uint32_t handle = 0;
};
Target device_of(const hvt::Devices& d, uint64_t fd) {
    for (uint32_t i = 1; i < SOLO5_MFT_MAX_ENTRIES; ++i)
        if (d.module[i] && uint64_t(d.info[i].fd) == fd) return {d.module[i], i};
    return {};
}

long console_write(RunContext& ctx, uint64_t buf, uint64_t len) {
    auto bytes = ctx.mem.try_span(buf, len);
    if (!bytes) return -EFAULT;
    const std::byte* p = bytes->data();
    size_t left = bytes->size();
    while (left > 0) {
        ssize_t n = ::write(ctx.console_fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -EIO;
        p += n;
        left -= size_t(n);
        ctx.console_bytes += uint64_t(n);
    }
    return long(len);
}

long device_call(RunContext& ctx, const hvt::Devices& d, uint64_t fd, bool write, uint64_t buf, uint64_t len,
                 uint64_t offset) {
    Target t = device_of(d, fd);
    if (!t.module) return -EBADF;
    auto span = write ? ctx.mem.try_span(buf, len) : ctx.mem.try_writable_span(buf, len);
    if (!span) return -EFAULT;
    return t.module->device_io(t.handle, write, *span, offset);
}

long clock_gettime_(RunContext& ctx, uint64_t clock, uint64_t ts) {
    auto out = ctx.mem.try_writable_span(ts, sizeof(timespec));
    if (!out) return -EFAULT;
    timespec t{};
    ::clock_gettime(clockid_t(clock), &t);
    std::memcpy(out->data(), &t, sizeof t);
    return 0;
}

// The guest's own wait, on the real epoll set (its NICs and its timerfd).
long epoll_pwait_(RunContext& ctx, const WaitFds& w, const uint64_t (&a)[6]) {
    constexpr uint64_t max_events = SOLO5_MFT_MAX_ENTRIES + 1;
    if (a[2] == 0 || a[2] > max_events) return -EINVAL;
    if (a[4] != 0) {  // a signal mask: meaningless for a guest without signals, but must be readable
        if (a[5] != 8 || !ctx.mem.try_span(a[4], 8)) return a[5] != 8 ? -EINVAL : -EFAULT;
    }
    auto out = ctx.mem.try_writable_span(a[1], a[2] * sizeof(epoll_event));
    if (!out) return -EFAULT;
    epoll_event ev[max_events];
    long n = errno_result(::syscall(SYS_epoll_pwait, w.epoll.get(), ev, int(a[2]), int(a[3]), nullptr, 8));
    if (n > 0) std::memcpy(out->data(), ev, size_t(n) * sizeof(epoll_event));
    return n;
}

long timerfd_settime_(RunContext& ctx, const WaitFds& w, const uint64_t (&a)[6]) {
    auto in = ctx.mem.try_span(a[2], sizeof(itimerspec));
    if (!in) return -EFAULT;
    itimerspec value;
    std::memcpy(&value, in->data(), sizeof value);
    itimerspec old{};
    long r = errno_result(::syscall(SYS_timerfd_settime, w.timer.get(), int(a[1]), &value, &old));
    if (r == 0 && a[3] != 0) {
        auto out = ctx.mem.try_writable_span(a[3], sizeof old);
        if (!out) return -EFAULT;
        std::memcpy(out->data(), &old, sizeof old);
    }
    return r;
}

}  // namespace

std::optional<RunOutcome> serve_syscall(RunContext& ctx, GuestSyscall& c, const hvt::Devices& d, const WaitFds& w) {
    const auto& a = c.args;
    if (long(c.nr) == arch::set_thread_pointer_syscall) {  // x86_64: ARCH_SET_FS, all the model lets through
        c.set_fs = true;
        c.fs_base = a[1];
        c.result = 0;
        return std::nullopt;
    }
    switch (c.nr) {
        case __NR_exit_group: return RunOutcome::halted(a[0] & 0xFF);
        case __NR_write:
            c.result = a[0] == 1 ? console_write(ctx, a[1], a[2]) : device_call(ctx, d, a[0], true, a[1], a[2], 0);
            break;
        case __NR_read: c.result = device_call(ctx, d, a[0], false, a[1], a[2], 0); break;
        case __NR_pread64: c.result = device_call(ctx, d, a[0], false, a[1], a[2], a[3]); break;
        case __NR_pwrite64: c.result = device_call(ctx, d, a[0], true, a[1], a[2], a[3]); break;
        case __NR_clock_gettime: c.result = clock_gettime_(ctx, a[0], a[1]); break;
        case __NR_epoll_pwait: c.result = epoll_pwait_(ctx, w, a); break;
        case __NR_timerfd_settime: c.result = timerfd_settime_(ctx, w, a); break;
        default: throw std::logic_error("Solo5 spt: the device model let through a call nobody serves");
    }
    return std::nullopt;
}

}  // namespace ukmon::abi_solo5::spt
