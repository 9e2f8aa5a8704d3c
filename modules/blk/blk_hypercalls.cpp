// The blk hypercalls: blkinfo, blkread, blkwrite, blkflush. Each copies its argument struct
// out by value, validates it (handle, then range, then data pointer, then permission), acts
// only on the validated copy, and writes the struct back. They may run inside the seccomp
// filter: no allocation, no stdio; only pread64/pwrite64/fsync on the device fds.
#include <cerrno>

#include "modules/blk/blk_io.hpp"
#include "modules/blk/blk_module.hpp"
#include "modules/blk/blk_request.hpp"

namespace ukmon::blk {
namespace {

const BlkModule& module_of(void* owner) { return *static_cast<const BlkModule*>(owner); }

void blkinfo(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_blkinfo>(gpa, "blkinfo argument");
    if (const Device* d = module_of(owner).device(a.handle)) {
        a.ret = UK_OK;
        a.sector_size = d->block_size;
        a.capacity = d->capacity;
        a.read_only = d->read_only ? 1 : 0;
    } else {
        a.ret = UK_EBADF;
        a.sector_size = a.capacity = a.read_only = 0;
    }
    ctx.mem.write(gpa, a, "blkinfo argument");
}

enum class Direction { read, write };

// --stats: a request that moved data (the device exists: the call succeeded).
void count(const BlkModule& m, uint64_t handle, uint64_t in, uint64_t out) {
    const Device* d = m.device(handle);
    ++d->requests;
    d->bytes_in += in;
    d->bytes_out += out;
}

uk_status blkio(const BlkModule& m, RunContext& ctx, const uk_hc_blkio& a, Direction dir) {
    const Device* d = m.device(a.handle);
    if (!d) return UK_EBADF;
    if (uk_status s = check_range(a.offset, a.len, d->capacity, d->block_size); s != UK_OK) return s;
    // blkread fills the buffer: the guest must be allowed to write it (never its own text).
    auto data = dir == Direction::read ? ctx.mem.try_writable_span(a.data, a.len) : ctx.mem.try_span(a.data, a.len);
    if (!data) return UK_EFAULT;
    if (dir == Direction::write) {
        if (d->read_only) return UK_EROFS;
        return write_fully(d->fd.get(), data->data(), a.len, a.offset) ? UK_OK : UK_EIO;
    }
    return read_fully(d->fd.get(), data->data(), a.len, a.offset) ? UK_OK : UK_EIO;
}

void blkread(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_blkio>(gpa, "blkread argument");
    a.ret = blkio(module_of(owner), ctx, a, Direction::read);
    if (a.ret == UK_OK) count(module_of(owner), a.handle, a.len, 0);
    ctx.mem.write(gpa, a, "blkread argument");
}

void blkwrite(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_blkio>(gpa, "blkwrite argument");
    a.ret = blkio(module_of(owner), ctx, a, Direction::write);
    if (a.ret == UK_OK) count(module_of(owner), a.handle, 0, a.len);
    ctx.mem.write(gpa, a, "blkwrite argument");
}

void blkflush(void* owner, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_blkflush>(gpa, "blkflush argument");
    const Device* d = module_of(owner).device(a.handle);
    if (!d) a.ret = UK_EBADF;
    else if (d->read_only) a.ret = UK_OK;  // nothing of ours to flush
    else a.ret = sync_fd(d->fd.get()) ? UK_OK : UK_EIO;
    ctx.mem.write(gpa, a, "blkflush argument");
}

}  // namespace

long BlkModule::device_io(uint32_t handle, bool write, std::span<std::byte> buf, uint64_t offset) {
    const Device* d = device(handle);
    if (!d) return -EBADF;
    if (check_range(offset, buf.size(), d->capacity, d->block_size) != UK_OK) return -EINVAL;
    if (write && d->read_only) return -EROFS;
    bool ok = write ? write_fully(d->fd.get(), buf.data(), buf.size(), offset)
                    : read_fully(d->fd.get(), buf.data(), buf.size(), offset);
    if (!ok) return -EIO;
    count(*this, handle, write ? 0 : buf.size(), write ? buf.size() : 0);
    return long(buf.size());
}

void blkring_hypercall(void* owner, RunContext& ctx, uint64_t gpa);  // blk_ring_module.cpp

void BlkModule::register_hypercalls(Dispatcher& d) {
    d.set(UK_HC_BLKINFO, {blkinfo, this});
    d.set(UK_HC_BLKREAD, {blkread, this});
    d.set(UK_HC_BLKWRITE, {blkwrite, this});
    d.set(UK_HC_BLKFLUSH, {blkflush, this});
    d.set(UK_HC_BLKRING, {blkring_hypercall, this});
}

}  // namespace ukmon::blk
