// Guest RAM for a VM: anonymous memory aligned to 2 MiB. Transparent huge pages only where
// the guest's page tables map 2 MiB pages: there a shadow-paging host such as PVM can use
// one large entry instead of an expensive exit per first touch of a 4 KiB page; elsewhere
// (low memory, the image, the stack) a huge page would be zeroed whole for the few 4 KiB
// pages a guest touches — 2 MiB at the stack of every hello. The kvm backend and the
// minimal-VM bench baseline map and advise it the same way.
#pragma once
#include <cstdint>
#include <functional>

#include "monitor/unique_fd.hpp"

namespace ukmon::kvm {

// No huge pages yet (the set-up writes the low memory first): HostError on failure.
Mapping map_guest_ram(uint64_t size);

// Once the page tables are known: huge pages for each 2 MiB chunk where `large(base)`.
void advise_huge_pages(const Mapping& ram, const std::function<bool(uint64_t chunk_base)>& large);

}  // namespace ukmon::kvm
