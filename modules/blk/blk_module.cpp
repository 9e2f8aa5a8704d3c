// The blk module's descriptor: options, help, seccomp rules, exit flush, registration.
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "modules/blk/blk_io.hpp"
#include "modules/blk/blk_module.hpp"

namespace ukmon::blk {

std::vector<std::string_view> BlkModule::option_words() const { return {option_rw, option_ro, option_sector}; }

std::string BlkModule::options_help() const {
    return "  --block:NAME=FILE           attach blk device NAME to FILE, read-write (size: a non-zero\n"
           "                              multiple of 512 bytes, e.g. truncate -s 64M FILE); flushed on exit\n"
           "  --block-ro:NAME=FILE        attach blk device NAME to FILE, read-only\n"
           "  --block-sector-size:NAME=N  block size of device NAME: a power of two, 512..32768 (default 512);\n"
           "                              the file's size must be a multiple of it\n";
}

void BlkModule::add_syscall_rules(SyscallPolicy& policy) const {
    for (const Device& d : devices_) {
        if (!d.attached) continue;
        uint64_t fd = uint64_t(d.fd.get());
        std::string which = "'" + d.name + "' (" + d.path + ")";
        // Under seccomp the guest can make these calls itself with any arguments. One rule per
        // allowed length L (blk_io.hpp) with offset <= capacity - L: no call, raw or ours, reads
        // or writes at or past the end, so the file never changes length (an exact bound; BPF
        // cannot add offset and length, so the length is fixed per rule).
        for (uint64_t len = min_io_len; len <= max_io_len && len <= d.capacity; len <<= 1) {
            std::vector<ArgEquals> shape{{0, fd}, {2, len}, {3, d.capacity - len, ~0ull, nullptr, true}};
            policy.allow(__NR_pread64, shape, "blk", "blkread on " + which);
            if (!d.read_only) policy.allow(__NR_pwrite64, shape, "blk", "blkwrite on " + which);
        }
        if (d.read_only) continue;
        policy.allow(__NR_fsync, {{0, fd}}, "blk", "blkflush and the flush at exit on " + which);
    }
    ring_.add_syscall_rules(policy);
}

bool BlkModule::device_info(uint32_t handle, DeviceInfo& out) const {
    const Device* d = device(handle);
    if (!d) return false;
    out = DeviceInfo{};
    out.fd = d->fd.get();
    out.capacity = d->capacity;
    out.block_size = d->block_size;
    return true;
}

// The guest makes its own pread64/pwrite64 (Solo5 spt): exactly one block at an offset
// inside the disk, as Solo5's spt tender allows; a read-only disk gets no pwrite64. The
// offset bound (offset <= capacity - block) keeps a write from growing the file.
void BlkModule::add_guest_syscall_rules(SyscallPolicy& policy) const {
    for (const Device& d : devices_) {
        if (!d.attached) continue;
        uint64_t fd = uint64_t(d.fd.get());
        std::string which = "'" + d.name + "' (" + d.path + ")";
        std::vector<ArgEquals> args{{0, fd, ~0ull, "disk fd"},
                                    {2, d.block_size, ~0ull, "block size"},
                                    {3, d.capacity - d.block_size, ~0ull, "capacity - block", true}};
        policy.allow(__NR_pread64, args, "blk", "the guest reads one block of " + which);
        if (!d.read_only) policy.allow(__NR_pwrite64, args, "blk", "the guest writes one block of " + which);
    }
}

// Runs inside the filter on every ending: fsync only, and a stack-formatted warning.
bool BlkModule::exit_action() {
    ring_.stop();  // first: every write the ring thread completed is then in the file
    bool ok = true;
    for (const Device& d : devices_) {
        if (!d.attached || d.read_only || sync_fd(d.fd.get())) continue;
        char line[256];
        int n = std::snprintf(line, sizeof line, "ukmon: blk device '%s': flushing '%s' failed: %s\n",
                              d.name.c_str(), d.path.c_str(), std::strerror(errno));
        if (n > 0) (void)!::write(2, line, size_t(n) < sizeof line ? size_t(n) : sizeof line - 1);
        ok = false;
    }
    return ok;
}

void BlkModule::files_to_sync(std::vector<int>& fds) const {
    for (const Device& d : devices_)
        if (d.attached && !d.read_only) fds.push_back(d.fd.get());
}

size_t BlkModule::device_counters(std::span<DeviceCounters> out) const {
    size_t n = 0;
    for (const Device& d : devices_)
        if (d.attached && n < out.size()) out[n++] = {"blk", d.name.c_str(), d.requests, d.bytes_in, d.bytes_out};
    return n;
}

namespace {
BlkModule blk_module;
UKMON_REGISTER_MODULE(blk_module);
}  // namespace

}  // namespace ukmon::blk
