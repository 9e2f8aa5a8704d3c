// The net module's side of the ring: preparing and starting its thread, and the
// UK_HC_NETRING hypercall.
#include "modules/net/net_module.hpp"
#include "monitor/io_ring_call.hpp"

namespace ukmon::net {

void NetModule::prepare_io(bool doorbells) {
    bool any = false;
    for (const Nic& n : nics_) any = any || n.attached;
    if (!doorbells || !any) return;
    SyscallPolicy device_rules;  // the thread's filter starts from the device model's own rules
    add_syscall_rules(device_rules);
    ring_.prepare(nics_, device_rules);
}

void NetModule::start_io(const GuestMemory& mem, Doorbells* doorbells) { ring_.start(mem, doorbells); }

void NetModule::io_thread_policies(std::vector<IoThreadPolicy>& out) const {
    if (ring_.prepared()) out.push_back({"net ring thread", &ring_.thread_policy()});
}

// Stopped before the run's reports: its --stats counters are then final.
bool NetModule::exit_action() {
    ring_.stop();
    return true;
}

void netring_hypercall(void* owner, RunContext& ctx, uint64_t gpa) {
    serve_ring_call<uk_hc_netring>(static_cast<NetModule*>(owner)->ring(), ctx, gpa, "netring argument");
}

}  // namespace ukmon::net
