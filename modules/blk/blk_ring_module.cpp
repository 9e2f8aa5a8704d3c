// The blk module's side of the ring: starting its thread, and the UK_HC_BLKRING hypercall.
#include "modules/blk/blk_module.hpp"

namespace ukmon::blk {

void BlkModule::prepare_io(bool doorbells) {
    bool any = false;
    for (const Device& d : devices_) any = any || d.attached;
    if (!doorbells || !any) return;
    SyscallPolicy device_rules;  // the thread's filter starts from the device model's own rules
    add_syscall_rules(device_rules);
    ring_.prepare(devices_, device_rules);
}

void BlkModule::start_io(const GuestMemory& mem, Doorbells* doorbells) { ring_.IoRing::start(mem, doorbells); }

void BlkModule::io_thread_policies(std::vector<IoThreadPolicy>& out) const {
    if (ring_.prepared()) out.push_back({"blk ring thread", &ring_.thread_policy()});
}

void blkring_hypercall(void* owner, RunContext& ctx, uint64_t gpa) {
    RingServer& ring = static_cast<BlkModule*>(owner)->ring();
    auto a = ctx.mem.read<uk_hc_blkring>(gpa, "blkring argument");
    if (a.op == UK_BLKRING_SETUP) a.ret = ring.setup(a.ring, a.doorbell);
    else if (a.op == UK_BLKRING_WAIT) a.ret = ring.wait(a.until);
    else a.ret = UK_EINVAL;
    ctx.mem.write(gpa, a, "blkring argument");
}

}  // namespace ukmon::blk
