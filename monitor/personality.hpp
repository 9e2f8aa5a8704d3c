// A guest ABI is a personality of the core. It recognises its ELF notes, reads its
// manifest, decides the memory layout (the guest's rights), writes its boot info and brings
// its hypercall table. The core's loader, manifest check, dispatcher, policy and exit actions
// are shared by all personalities; no backend and no module knows which one runs.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "monitor/cli.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/guest_memory.hpp"
#include "monitor/guest_rights.hpp"
#include "monitor/module.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {

// The guest's TSC and the host's wall clock (ns since the epoch) at one instant.
struct ClockBase {
    uint64_t tsc = 0;
    uint64_t wall_ns = 0;
};

// What the backend tells the personality for the boot info.
struct BootEnv {
    uint64_t mem_size = 0;
    uint64_t gate = 0;        // guest address of the hypercall gate
    uint64_t tsc_hz = 0;      // 0: not offered
    ClockBase clock;          // the guest's TSC and the wall clock at one instant, or {0, 0}
    uint32_t backend = 0;     // enum uk_backend_kind
    std::string program_name; // argv[0]
    std::vector<std::string> args;
};

// Where the first guest instruction runs, and with what.
struct EntryState {
    uint64_t rip = 0, rsp = 0;
    uint64_t arg = 0;  // first argument register (rdi): the boot info's address
    // What the guest needs of the CPU. `user`: user code (CPL3 under kvm) on the monitor's
    // page tables, GDT, IDT and TSS. `kernel`: supervisor code (CPL0 under kvm) that loads
    // its own descriptor tables, on flat identity-mapped page tables (Solo5 hvt). A backend
    // that cannot give what is asked refuses the run (UsageError).
    enum class Privilege { user, kernel } privilege = Privilege::user;
    // Privilege::kernel: where the backend builds the initial GDT, TSS and identity page
    // tables (kernel_tables_size bytes the guest leaves alone until it has its own), and a page
    // of guest RAM the guest never uses (a host may need one: PVM's VIF page).
    uint64_t kernel_tables = 0;
    uint64_t spare_page = 0;
    // The guest's SYSCALLs are served by the monitor (Run::serve_syscall), not a crash: an
    // spt-style guest on a backend where its system calls do not reach the host.
    bool serve_syscalls = false;
};

// One system call of a guest whose calls the monitor serves (Personality::serve_syscall).
struct GuestSyscall {
    uint64_t nr = 0;
    uint64_t args[6] = {};
    uint64_t rip = 0;                  // of the SYSCALL instruction, for a diagnosis
    int64_t result = 0;                // OUT: the return value (-errno on failure)
    bool set_fs = false;               // OUT: arch_prctl(ARCH_SET_FS): the new FS base
    uint64_t fs_base = 0;
};
inline constexpr uint64_t kernel_tables_size = 0x4000;  // GDT+TSS, PML4, PDPT, one PD (1 GiB)

class Personality {
public:
    virtual ~Personality() = default;
    virtual const char* name() const = 0;  // "ukmon"
    // The declared devices; a device's handle is its index here.
    virtual std::span<const DeviceDecl> manifest() const = 0;
    // The guest's rights in memory of `mem_size` bytes; with a gate page when the backend puts
    // its gate into guest memory. UsageError when the image does not fit.
    virtual GuestRights layout(uint64_t mem_size, bool gate_in_guest) const = 0;
    // Fills fresh guest memory (`mem`: the monitor's unrestricted view): segments and boot info.
    virtual EntryState boot(const GuestMemory& mem, const BootEnv& env) const = 0;
    // Its hypercall table; `modules` are the linked device modules (whose own hypercalls
    // belong to the ukmon ABI, or whose device I/O a personality's handlers may use).
    virtual void register_hypercalls(Dispatcher& d, std::span<Module* const> modules) const = 0;
    // System calls its hypercalls need beyond the modules' (owner "core").
    virtual void add_syscall_rules(SyscallPolicy& policy) const = 0;

    // Whether the guest makes raw Linux system calls (spt-style) rather than hypercalls. With
    // a backend whose guest's system calls reach the host kernel (seccomp), the modules'
    // guest-syscall rules then are the device model (DeviceAccess::guest_syscalls).
    virtual bool guest_makes_system_calls() const { return false; }
    // The backend --backend=auto picks for this guest (automatic: kvm where /dev/kvm opens).
    virtual BackendChoice native_backend() const { return BackendChoice::automatic; }
    // Refuses (UsageError, saying which it needs) a backend this guest cannot run on;
    // `backend_kind`: enum uk_backend_kind. Right after the backend is chosen.
    virtual void check_backend(uint32_t backend_kind) const { (void)backend_kind; }
    // EntryState::serve_syscalls: performs one system call the device model (the policy of
    // add_syscall_rules plus the modules' guest-syscall rules) has let through, with guest
    // pointers through ctx.mem. nullopt: the guest carries on with call.result; otherwise how
    // the run ends (exit_group: a halt). GuestFault for an ABI breach.
    virtual std::optional<RunOutcome> serve_syscall(RunContext& ctx, GuestSyscall& call) const {
        (void)ctx, (void)call;
        return RunOutcome::make(RunOutcome::Kind::crashed, "guest crashed: a system call, which this ABI has not");
    }
    // Called once the devices are attached: a personality that describes them to its guest
    // reads them here (Module::device_info). May open fds; before lockdown.
    virtual void devices_attached(std::span<Module* const> modules) { (void)modules; }
    // The highest halt status that is the guest's own exit code (above it: a crash).
    virtual uint64_t max_halt_status() const;
    // The process exit code, given the one ukmon's table gives (monitor/exit_codes.hpp) and
    // how the run ended (nullptr: it ended before the guest started). Default: unchanged.
    virtual int exit_code(int ukmon_code, const RunOutcome* outcome) const {
        (void)outcome;
        return ukmon_code;
    }
};

// The personality whose notes the image carries; UsageError ("guest ELF: ...") if none does
// or its notes are malformed.
std::unique_ptr<Personality> recognise_personality(const GuestImage& image);

// For a run that failed before its personality was recognised (a bad flag, malformed
// notes): the exit code of the ABI whose notes the ELF carries (by owner alone), else `code`.
int exit_code_by_note_owner(std::span<const std::byte> elf, int code);

}  // namespace ukmon
