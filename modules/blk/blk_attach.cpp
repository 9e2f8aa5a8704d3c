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
    if (size == 0) refuse(d, "is empty (a disk needs at least one block, e.g. truncate -s 64M " + d.path + ")");
    if (size % d.block_size != 0)
        refuse(d, "is " + std::to_string(size) + " bytes, not a multiple of the " + std::to_string(d.block_size) +
                      "-byte sector size");
    d.capacity = size;
}

// --block-sector-size:NAME=N: a power of two, 512..max_sector_size.
uint64_t parse_block_size(const DeviceOption& o) {
    const std::string& v = o.value ? *o.value : std::string();
    uint64_t n = 0;
    bool digits = !v.empty() && v.size() <= 6;
    for (char c : v) digits = digits && c >= '0' && c <= '9';
    if (digits) n = std::stoull(v);
    if (!digits || n < sector_size || n > max_sector_size || (n & (n - 1)) != 0)
        throw UsageError("option '" + o.text + "': the block size must be a power of two from 512 to 32768");
    return n;
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
                             " is beyond the " + std::to_string(max_device_handles) + " device handles a module serves");
        const DeviceOption* chosen = nullptr;
        const DeviceOption* sector = nullptr;
        for (const DeviceOption& o : options) {
            if (o.device != decl.name) continue;
            if (o.word == option_sector) {
                if (sector)
                    throw UsageError("blk device '" + decl.name + "' is given two block sizes ('" + sector->text +
                                     "' and '" + o.text + "')");
                sector = &o;
                continue;
            }
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
        d.block_size = sector ? parse_block_size(*sector) : sector_size;
        open_image(d);
        d.attached = true;
    }
}

}  // namespace ukmon::blk
