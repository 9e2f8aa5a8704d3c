// The rings' hypercall (UK_HC_BLKRING, UK_HC_NETRING): the same fields and the same two calls
// for every ring (abi.h), so one handler body serves them all.
#pragma once
#include <cstdint>

#include <ukmon/abi.h>

#include "monitor/io_ring.hpp"
#include "monitor/run_context.hpp"

namespace ukmon {

static_assert(int(UK_NETRING_SETUP) == int(UK_BLKRING_SETUP) && int(UK_NETRING_WAIT) == int(UK_BLKRING_WAIT));

// Copies the call (`Call`: uk_hc_blkring or uk_hc_netring) once, SETUP or WAIT on `ring`,
// anything else UK_EINVAL, and writes the OUT fields back.
template <class Call>
void serve_ring_call(IoRing& ring, RunContext& ctx, uint64_t gpa, const char* what) {
    auto a = ctx.mem.read<Call>(gpa, what);
    if (a.op == UK_BLKRING_SETUP) a.ret = ring.setup(a.ring, a.doorbell);
    else if (a.op == UK_BLKRING_WAIT) a.ret = ring.wait(a.until);
    else a.ret = UK_EINVAL;
    ctx.mem.write(gpa, a, what);
}

}  // namespace ukmon
