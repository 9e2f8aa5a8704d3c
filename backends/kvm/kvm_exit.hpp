// The name of every KVM exit reason, for diagnoses on any architecture (the arch's decoding
// of an exit into events is arch/<arch>/kvm_exit.hpp).
#pragma once
#include <cstdint>

namespace ukmon::kvm {

const char* exit_reason_name(uint32_t reason);  // "KVM_EXIT_IO", ...

}  // namespace ukmon::kvm
