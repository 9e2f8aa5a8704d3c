// The narrow interface between the monitor core and a backend (kvm, seccomp).
#pragma once
#include <cstdio>
#include <memory>
#include <span>
#include <string>

#include "monitor/cli.hpp"
#include "monitor/dispatcher.hpp"
#include "monitor/guest_image.hpp"
#include "monitor/module.hpp"
#include "monitor/run_context.hpp"
#include "monitor/run_outcome.hpp"
#include "monitor/sandbox/syscall_policy.hpp"

namespace ukmon {

// Everything the core has prepared before boot.
struct Boot {
    const Options& options;
    const GuestImage& image;
    const Dispatcher& dispatcher;
    std::span<Module* const> modules;
    std::string program_name;
    const SyscallPolicy& policy;  // core + modules (+ this backend's own rules)
};

class Backend {
public:
    virtual ~Backend() = default;
    virtual const char* name() const = 0;
    // The system calls this backend needs once the guest runs.
    virtual void add_syscall_rules(SyscallPolicy& policy) const = 0;
    // --print-filter: the policy as a table, plus whatever the backend installs from it.
    virtual void print_filter(std::FILE* out, const SyscallPolicy& policy) const;
    // Builds guest memory, boots and runs the guest to its end. The seccomp backend never
    // returns: the run ends inside the filter, through conclude().
    virtual RunOutcome run(const Boot& boot) = 0;
};

std::unique_ptr<Backend> make_kvm_backend(const Options& options);  // options: for --print-filter
std::unique_ptr<Backend> make_seccomp_backend();

// Whether /dev/kvm opens read-write; if not, why.
bool kvm_available(std::string& why);

}  // namespace ukmon
