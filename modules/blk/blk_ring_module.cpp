// The blk module's side of the ring: starting its thread, and the UK_HC_BLKRING hypercall.
#include "modules/blk/blk_module.hpp"
#include "monitor/io_ring_call.hpp"

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
    serve_ring_call<uk_hc_blkring>(static_cast<BlkModule*>(owner)->ring(), ctx, gpa, "blkring argument");
}

}  // namespace ukmon::blk
