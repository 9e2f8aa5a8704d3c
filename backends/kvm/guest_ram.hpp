// Guest RAM for a VM: anonymous memory aligned to 2 MiB with MADV_HUGEPAGE, so THP can back
// it (on shadow-paging hosts such as PVM each first touch of a 4 KiB page is an expensive
// exit). The kvm backend and the minimal-VM bench baseline map it the same way.
#pragma once
#include <cstdint>

#include "monitor/unique_fd.hpp"

namespace ukmon::kvm {

Mapping map_guest_ram(uint64_t size);  // HostError on failure

}  // namespace ukmon::kvm
