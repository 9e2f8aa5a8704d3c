// The Solo5 hvt hypercalls. Each copies its struct out by value, validates (handle, then
// length and offset, then the data range, with the guest's own rights), acts through the
// device's module, and writes the struct back. Run inside the kvm backend's filter: no
// allocation; only the calls add_syscall_rules and the modules allow.
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>

#include "monitor/abi/solo5/hvt.hpp"
#include "monitor/error.hpp"

namespace ukmon::abi_solo5::hvt {
namespace {

Devices& devices_of(void* owner) { return *static_cast<Devices*>(owner); }

uint64_t now_ns(clockid_t c) {
    timespec ts{};
    clock_gettime(c, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

void walltime(void*, RunContext& ctx, uint64_t gpa) {
    solo5_hvt_walltime a{now_ns(CLOCK_REALTIME)};
    ctx.mem.write(gpa, a, "walltime argument");
}

// Solo5's puts has no result: bytes it cannot show are dropped; a bad range is an ABI breach.
void puts(void*, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<solo5_hvt_puts>(gpa, "puts argument");
    auto bytes = ctx.mem.span(a.data, a.len, "puts data");
    const std::byte* p = bytes.data();
    size_t left = bytes.size();
    while (left > 0) {
        ssize_t n = ::write(ctx.console_fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        p += n;
        left -= size_t(n);
        ctx.console_bytes += uint64_t(n);
    }
}

void poll(void* owner, RunContext& ctx, uint64_t gpa) {
    Devices& d = devices_of(owner);
    auto a = ctx.mem.read<solo5_hvt_poll>(gpa, "poll argument");
    timespec ts{time_t(a.timeout_nsecs / 1000000000ull), long(a.timeout_nsecs % 1000000000ull)};
    a.ready_set = 0;
    if (d.nics == 0) {
        if (a.timeout_nsecs > 0)
            while (clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, &ts) == EINTR) {}
    } else {
        for (size_t i = 0; i < d.nics; ++i) d.pollfds[i].revents = 0;
        int n = int(::syscall(SYS_ppoll, d.pollfds.data(), d.nics, &ts, nullptr, 0));
        for (size_t i = 0; n > 0 && i < d.nics; ++i)
            if (d.pollfds[i].revents & POLLIN) a.ready_set |= 1ull << d.poll_handles[i];
    }
    a.ret = SOLO5_R_OK;
    ctx.mem.write(gpa, a, "poll argument");
}

int32_t result_of(long r) {
    if (r >= 0) return SOLO5_R_OK;
    if (r == -EAGAIN) return SOLO5_R_AGAIN;
    if (r == -EINVAL || r == -EBADF) return SOLO5_R_EINVAL;
    return SOLO5_R_EUNSPEC;
}

// Exactly one block at a block-aligned offset inside the disk (Solo5's rule); 0 if not.
Module* block_device(const Devices& d, uint64_t handle, uint64_t offset, uint64_t len) {
    if (handle >= SOLO5_MFT_MAX_ENTRIES || d.type[handle] != SOLO5_MFT_BLOCK_BASIC) return nullptr;
    const DeviceInfo& i = d.info[handle];
    if (len != i.block_size || offset % i.block_size != 0 || offset > i.capacity - i.block_size) return nullptr;
    return d.module[handle];
}

void block_write(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<solo5_hvt_block_write>(gpa, "block write argument");
    Module* m = block_device(devices_of(owner), a.handle, a.offset, a.len);
    auto data = ctx.mem.try_span(a.data, a.len);
    if (!m || !data) a.ret = SOLO5_R_EINVAL;
    else a.ret = result_of(m->device_io(uint32_t(a.handle), true, *data, a.offset));
    ctx.mem.write(gpa, a, "block write argument");
}

void block_read(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<solo5_hvt_block_read>(gpa, "block read argument");
    Module* m = block_device(devices_of(owner), a.handle, a.offset, a.len);
    auto data = ctx.mem.try_writable_span(a.data, a.len);  // never the guest's read-only pages
    if (!m || !data) a.ret = SOLO5_R_EINVAL;
    else a.ret = result_of(m->device_io(uint32_t(a.handle), false, *data, a.offset));
    ctx.mem.write(gpa, a, "block read argument");
}

Module* net_device(const Devices& d, uint64_t handle) {
    if (handle >= SOLO5_MFT_MAX_ENTRIES || d.type[handle] != SOLO5_MFT_NET_BASIC) return nullptr;
    return d.module[handle];
}

void net_write(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<solo5_hvt_net_write>(gpa, "net write argument");
    Module* m = net_device(devices_of(owner), a.handle);
    auto data = ctx.mem.try_span(a.data, a.len);
    if (!m || !data) a.ret = SOLO5_R_EINVAL;
    else a.ret = result_of(m->device_io(uint32_t(a.handle), true, *data, 0));
    ctx.mem.write(gpa, a, "net write argument");
}

void net_read(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<solo5_hvt_net_read>(gpa, "net read argument");
    Module* m = net_device(devices_of(owner), a.handle);
    auto data = ctx.mem.try_writable_span(a.data, a.len);
    long r = (!m || !data) ? -EINVAL : m->device_io(uint32_t(a.handle), false, *data, 0);
    a.ret = result_of(r);
    a.len = r > 0 ? uint64_t(r) : 0;
    ctx.mem.write(gpa, a, "net read argument");
}

// Solo5's trap frame (what its bindings pass as the halt cookie when a CPU exception ends
// the guest): x86_trap_regs.
struct TrapRegs {
    uint64_t cr2, ec, rip, cs, rflags, rsp, ss;
};

// The status as Solo5's tender passes it to exit(): its low 8 bits. An abort (255) with a
// cookie is an exception the guest caught in its own IDT: diagnosed from its trap frame.
void halt(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<solo5_hvt_halt>(gpa, "halt argument");
    if ((a.exit_status & 0xFF) == SOLO5_EXIT_ABORT && a.cookie != 0) {
        if (auto bytes = ctx.mem.try_span(a.cookie, sizeof(TrapRegs))) {
            TrapRegs t;
            std::memcpy(&t, bytes->data(), sizeof t);
            std::string sym = devices_of(owner).image ? devices_of(owner).image->symbolize(t.rip) : "";
            char msg[256];
            std::snprintf(msg, sizeof msg, "CPU exception in the guest, caught by its own handler: rip=0x%llx%s%s%s "
                          "rsp=0x%llx error code=0x%llx cr2=0x%llx",
                          (unsigned long long)t.rip, sym.empty() ? "" : " (", sym.c_str(), sym.empty() ? "" : ")",
                          (unsigned long long)t.rsp, (unsigned long long)t.ec, (unsigned long long)t.cr2);
            throw GuestFault(msg);
        }
    }
    HaltRequest h;
    h.status = uint32_t(a.exit_status) & 0xFF;
    ctx.halt = h;
}

template <class T>
HypercallEntry entry(HypercallFn fn, Devices* owner, bool read_only, const char* name) {
    return HypercallEntry{fn, owner, uint32_t(sizeof(T)), read_only, name};
}

}  // namespace

void register_hypercalls(Dispatcher& d, const Devices& devices) {
    auto* o = const_cast<Devices*>(&devices);  // poll keeps its revents there
    d.set(SOLO5_HVT_WALLTIME, entry<solo5_hvt_walltime>(walltime, o, false, "walltime"));
    d.set(SOLO5_HVT_PUTS, entry<solo5_hvt_puts>(puts, o, true, "puts"));
    d.set(SOLO5_HVT_POLL, entry<solo5_hvt_poll>(poll, o, false, "poll"));
    d.set(SOLO5_HVT_BLOCK_WRITE, entry<solo5_hvt_block_write>(block_write, o, false, "block write"));
    d.set(SOLO5_HVT_BLOCK_READ, entry<solo5_hvt_block_read>(block_read, o, false, "block read"));
    d.set(SOLO5_HVT_NET_WRITE, entry<solo5_hvt_net_write>(net_write, o, false, "net write"));
    d.set(SOLO5_HVT_NET_READ, entry<solo5_hvt_net_read>(net_read, o, false, "net read"));
    d.set(SOLO5_HVT_HALT, entry<solo5_hvt_halt>(halt, o, true, "halt"));
}

void add_syscall_rules(SyscallPolicy& p, const Devices& d) {
    const std::string who = "solo5-hvt";
    p.allow(__NR_write, {{0, 1, ~0ull, "stdout"}}, who, "puts hypercall: the guest's console");
    p.allow(__NR_clock_gettime, {}, who, "walltime hypercall (when the vDSO falls back)");
    if (d.nics == 0) p.allow(__NR_clock_nanosleep, {}, who, "poll hypercall without NICs: sleep until the deadline");
    else
        p.allow(__NR_ppoll, {{1, d.nics}, {3, 0, ~0ull, "NULL"}}, who,
                "poll hypercall: wait on exactly the " + std::to_string(d.nics) + " TAP fd(s), no signal mask");
}

}  // namespace ukmon::abi_solo5::hvt
