// attach(): opens each declared blk device's image file named by --block / --block-ro, and
// refuses anything that is not a usable disk with one line naming the device and the file.
#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "modules/blk/blk_module.hpp"
#include "monitor/error.hpp"

namespace ukmon::blk {
namespace {

[[noreturn]] void refuse(const Device& d, const std::string& problem) {
    throw UsageError("blk device '" + d.name + "': '" + d.path + "' " + problem);
}

// Opens and checks one image; fills fd and capacity.
void open_image(Device& d) {
    // O_NONBLOCK: opening a FIFO must not hang before we can see it is no regular file.
    int flags = (d.read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NONBLOCK;
    d.fd = UniqueFd(::open(d.path.c_str(), flags));
    if (!d.fd) {
        int err = errno;
        std::string why = std::strerror(err);
        if (err == ENOENT) refuse(d, "does not exist (create it, e.g. truncate -s 64M " + d.path + ")");
        if (!d.read_only && (err == EACCES || err == EROFS || err == EISDIR)) {
            struct stat st {};
            if (::stat(d.path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) refuse(d, "is not a regular file");
            refuse(d, "cannot be opened for writing: " + why + " (use --block-ro:" + d.name + "=FILE to attach it read-only)");
        }
        refuse(d, "cannot be opened: " + why);
    }
    struct stat st {};
    if (::fstat(d.fd.get(), &st) != 0) refuse(d, std::string("cannot be examined: ") + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) refuse(d, "is not a regular file");
    if (::fcntl(d.fd.get(), F_SETFL, 0) != 0) refuse(d, std::string("cannot be set up: ") + std::strerror(errno));
    uint64_t size = uint64_t(st.st_size);
    if (size == 0) refuse(d, "is empty (a disk needs at least one 512-byte sector, e.g. truncate -s 64M " + d.path + ")");
    if (size % sector_size != 0)
        refuse(d, "is " + std::to_string(size) + " bytes, not a multiple of the 512-byte sector size");
    d.capacity = size;
}

}  // namespace

void BlkModule::attach(std::span<const DeclaredDevice> declared, std::span<const DeviceOption> options) {
    // The core refuses these too; a module never trusts that it was handed only its own.
    for (const DeviceOption& o : options) {
        bool known = false;
        for (const DeclaredDevice& decl : declared) known = known || decl.name == o.device;
        if (!known) throw UsageError("option '" + o.text + "': the guest declares no blk device named '" + o.device + "'");
    }
    for (const DeclaredDevice& decl : declared) {
        if (decl.handle >= devices_.size())
            throw UsageError("blk device '" + decl.name + "': handle " + std::to_string(decl.handle) +
                             " is beyond the " + std::to_string(UK_MAX_DEVICES) + " devices a guest may declare");
        const DeviceOption* chosen = nullptr;
        for (const DeviceOption& o : options) {
            if (o.device != decl.name) continue;
            if (chosen)
                throw UsageError("blk device '" + decl.name + "' is attached twice ('" + chosen->text + "' and '" +
                                 o.text + "'): give one --block or --block-ro option per device");
            chosen = &o;
        }
        if (!chosen)
            throw UsageError("blk device '" + decl.name + "' is declared by the guest but not attached: add --block:" +
                             decl.name + "=FILE");
        if (!chosen->value || chosen->value->empty())
            throw UsageError("option '" + chosen->text + "' names no file: write --" + chosen->word + ":" + decl.name +
                             "=FILE");
        Device& d = devices_[decl.handle];
        d.handle = decl.handle;
        d.name = decl.name;
        d.path = *chosen->value;
        d.read_only = chosen->word == option_ro;
        open_image(d);
        d.attached = true;
    }
}

}  // namespace ukmon::blk
