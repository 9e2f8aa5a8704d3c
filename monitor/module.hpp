// The device-module interface. A module is one directory under modules/ ending in one
// UKMON_REGISTER_MODULE line; the core never names a module. Only modules the guest's
// manifest needs are linked (ukbake), so a hello executable carries no net or blk code.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "monitor/cli.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/doorbells.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {

// Handles a module can serve: 0..63 (Solo5 manifests hold up to 64 entries; ukmon's up to 16).
inline constexpr uint32_t max_device_handles = 64;

// A declared device of this module's type, with the handle the guest will use.
struct DeclaredDevice {
    uint32_t handle;
    std::string name;
};

// Who makes a device's system calls. `hypercalls`: the monitor, serving the guest's requests
// (its handlers check them). `guest_syscalls`: the guest itself (an spt-style guest under the
// seccomp backend), so the module's seccomp rules are the device model: exactly the calls,
// on exactly its fds, with exactly the argument checks the guest's ABI allows.
enum class DeviceAccess { hypercalls, guest_syscalls };

// What a personality may tell its guest about an attached device (Module::device_info).
struct DeviceInfo {
    int fd = -1;               // the host fd (an spt-style guest makes its system calls on it)
    uint64_t capacity = 0;     // blk: bytes
    uint64_t block_size = 0;   // blk: bytes per block
    uint8_t mac[6] = {};       // net
    uint64_t mtu = 0;          // net
};

// What one device moved, for --stats (Module::device_counters). Directions are the guest's:
// in = into the guest (blkread, frames received), out = out of it (blkwrite, frames sent).
struct DeviceCounters {
    const char* type = "";   // "blk", "net"
    const char* name = "";   // as declared; must outlive the run (the module's own string)
    uint64_t requests = 0;   // reads and writes (frames, for net) that moved data
    uint64_t bytes_in = 0;
    uint64_t bytes_out = 0;
};

// An I/O thread's own seccomp filter (it installs it itself before the guest starts).
struct IoThreadPolicy {
    std::string thread;        // "blk ring thread"
    const SyscallPolicy* policy;
};

class Module {
public:
    virtual ~Module() = default;
    virtual const char* name() const = 0;                 // "net", "blk"
    virtual uint32_t device_type() const = 0;             // enum uk_device_type
    virtual std::vector<std::string_view> option_words() const = 0;  // e.g. "net", "net-mac"
    virtual std::string options_help() const = 0;         // lines for --help
    // Opens every declared device from its options (before boot). Every declared device must
    // be attached and no option may name an undeclared one: UsageError otherwise.
    virtual void attach(std::span<const DeclaredDevice> declared,
                        std::span<const DeviceOption> options) = 0;
    // One request on an attached device, for a personality whose hypercalls are not the
    // ukmon ABI's (the caller has checked the request against device_info; the module checks
    // again). blk: exactly buf.size() bytes at `offset`; net: one frame, `offset` unused
    // (read: up to buf.size()). Returns the bytes moved, or -errno (-EAGAIN: no frame). Counted
    // for --stats; makes only the system calls add_syscall_rules allows. Allocation-free.
    virtual long device_io(uint32_t handle, bool write, std::span<std::byte> buf, uint64_t offset) {
        (void)handle, (void)write, (void)buf, (void)offset;
        return -38;  // -ENOSYS
    }
    // The attached device with this handle, for a personality's boot info; false if none.
    virtual bool device_info(uint32_t handle, DeviceInfo& out) const {
        (void)handle;
        (void)out;
        return false;
    }
    virtual void register_hypercalls(Dispatcher& d) = 0;
    // Once the backend is known, before --print-filter: a module that would serve a ring on
    // this backend (`doorbells`: it offers them) creates what its I/O thread's filter names
    // (the doorbell eventfd), so the printed filters are the installed ones.
    virtual void prepare_io(bool doorbells) { (void)doorbells; }
    // Before lockdown, once guest memory exists: a module may start an I/O thread serving
    // rings in `mem` (the guest's own rights) and woken by one of `doorbells` (null: none).
    virtual void start_io(const GuestMemory& mem, Doorbells* doorbells) {
        (void)mem;
        (void)doorbells;
    }
    // The filters of the I/O threads prepare_io() made ready, for --print-filter.
    virtual void io_thread_policies(std::vector<IoThreadPolicy>& out) const { (void)out; }
    // System calls its hypercall handlers and exit actions make, restricted to its fds.
    virtual void add_syscall_rules(SyscallPolicy& policy) const = 0;
    // DeviceAccess::guest_syscalls: the calls the guest may make on its devices itself (the
    // device model). Default: none (a module that cannot be driven that way).
    virtual void add_guest_syscall_rules(SyscallPolicy& policy) const { (void)policy; }
    // Its exit action, on every ending (halt, crash, deadline, host error): e.g. flush disks.
    // Runs first in Run::conclude, inside the filter: must not allocate.
    // Returns false when something may be lost (it says what on stderr); a clean halt then
    // exits 253 instead of the guest's status, so the loss cannot go unnoticed.
    virtual bool exit_action() { return true; }
    // Files that must be flushed once the guest is gone, however it ended: a guardian
    // (monitor/guardian.hpp) fsyncs them from outside the filter. Writable disks, say.
    virtual void files_to_sync(std::vector<int>& fds) const { (void)fds; }
    // Optional, for --stats: fills up to out.size() entries, one per attached device, and
    // returns how many. Runs in the exit path: must not allocate.
    virtual size_t device_counters(std::span<DeviceCounters> out) const {
        (void)out;
        return 0;
    }
};

// All modules linked into this executable, in link order.
std::span<Module* const> linked_modules();

}  // namespace ukmon

// Drops a pointer to `object` into the ukmon_modules linker section.
#define UKMON_REGISTER_MODULE(object)                                                  \
    __attribute__((section("ukmon_modules"), used)) static ::ukmon::Module* const     \
        ukmon_module_entry_##object = &object
