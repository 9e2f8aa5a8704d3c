// Doorbells: a guest write that wakes a monitor thread without a round trip through the run
// loop (kvm: KVM_IOEVENTFD, handled inside KVM). A backend that has none (seccomp, whose guest
// calls the monitor directly) offers none, and modules keep their direct calls there.
#pragma once
#include <cstdint>
#include <optional>

namespace ukmon {

class Doorbells {
public:
    virtual ~Doorbells() = default;
    // Binds a free doorbell to `eventfd`: a guest's 1-byte `outb` to the returned I/O port
    // signals it. nullopt when none is left or the host refuses.
    virtual std::optional<uint16_t> bind(int eventfd) = 0;
};

}  // namespace ukmon
