// The random hypercall: fills a guest buffer from getrandom(2). The kernel never hands the
// same bytes out twice, so neither does this call; see docs/runtime.md ("Entropy").
#include "monitor/abi/ukmon/random.hpp"

#include <sys/random.h>
#include <sys/syscall.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace ukmon {
namespace {

// Under seccomp the guest may call getrandom itself with any arguments; the filter lets
// through only flags 0 (the urandom pool, never GRND_RANDOM's blocking one) and a length
// below this bound, so such a call costs no more than the hypercall would.
constexpr uint64_t len_limit_mask = ~uint64_t(511);  // len & mask == 0: len < 512
static_assert((UK_RANDOM_MAX & len_limit_mask) == 0, "the filter must allow a full request");

void random(void*, RunContext& ctx, uint64_t gpa) {
    auto a = ctx.mem.read<uk_hc_random>(gpa, "random argument");
    if (a.len > UK_RANDOM_MAX) {
        a.ret = UK_EINVAL;
    } else if (auto out = ctx.mem.try_writable_span(a.data, a.len); !out) {
        a.ret = UK_EFAULT;
    } else {
        // Into monitor memory first: the guest never sees a partly filled buffer.
        std::array<std::byte, UK_RANDOM_MAX> buf{};
        size_t got = 0;
        a.ret = UK_OK;
        while (got < a.len) {
            ssize_t n = ::getrandom(buf.data() + got, a.len - got, 0);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) { a.ret = UK_EIO; break; }
            got += size_t(n);
        }
        if (a.ret == UK_OK && a.len > 0) std::memcpy(out->data(), buf.data(), a.len);
    }
    ctx.mem.write(gpa, a, "random argument");
}

}  // namespace

void register_random_hypercall(Dispatcher& d) { d.set(UK_HC_RANDOM, {random, nullptr}); }

void add_random_rules(SyscallPolicy& p) {
    p.allow(__NR_getrandom, {{2, 0, ~0ull, "0 (no flags)"}, {1, 0, len_limit_mask, "0 (length < 512)"}}, "core",
            "random hypercall: the host kernel's random bytes (urandom pool, short reads)");
}

}  // namespace ukmon
