// The kvm backend where it is not built yet (aarch64 until arch/aarch64's kvm part lands,
// mk/arch.mk): --backend=kvm ends with one line, --backend=auto picks seccomp and says why.
#include <string>

#include "backends/backend.hpp"
#include "monitor/error.hpp"

namespace ukmon {

std::unique_ptr<Backend> make_kvm_backend(const Options&) {
    throw UsageError("--backend=kvm: this monitor is built without the kvm backend (not yet on this architecture)");
}

bool kvm_available(std::string& why) {
    why = "this monitor is built without the kvm backend";
    return false;
}

}  // namespace ukmon
