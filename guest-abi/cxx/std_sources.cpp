// Library pieces whose libstdc++ objects read host sources a guest has not (/dev/urandom,
// glibc's clock ids): std::random_device and the std::chrono clocks, on the guest ABI.
#include <chrono>
#include <cstring>
#include <random>
#include <string>

#include <unistd.h>
#include <ukmon/guest.h>

// ---- std::random_device: the host kernel's random generator (the random hypercall) ------
// libstdc++'s random.o reads /dev/urandom through glibc's stdio; a guest has no files.
namespace std {
void random_device::_M_init(const std::string& token) { _M_init(token.data(), token.size()); }
void random_device::_M_init_pretr1(const std::string& token) { _M_init(token); }

void random_device::_M_init(const char* token, size_t len) {
    static const char ok[][12] = {"default", "getentropy", "arc4random"};
    for (const char* name : ok)
        if (std::strlen(name) == len && std::memcmp(name, token, len) == 0) {
            _M_file = nullptr;
            return;
        }
    std::__throw_runtime_error("random_device: the guest has only the host kernel's generator");
}

void random_device::_M_fini() {}

random_device::result_type random_device::_M_getval() {
    result_type v;
    if (getentropy(&v, sizeof v) != 0) std::__throw_runtime_error("random_device: no entropy");
    return v;
}
random_device::result_type random_device::_M_getval_pretr1() { return _M_getval(); }

double random_device::_M_getentropy() const noexcept { return 32.0; }
}  // namespace std

// ---- std::chrono clocks --------------------------------------------------------------------
// libstdc++'s chrono.o would call clock_gettime with glibc's clock ids (CLOCK_MONOTONIC is 1
// there, 4 in newlib): here the ABI's clocks are read directly instead.
namespace std::chrono {
inline namespace _V2 {
system_clock::time_point system_clock::now() noexcept {
    return time_point(duration_cast<duration>(nanoseconds(uk_walltime_ns())));
}
steady_clock::time_point steady_clock::now() noexcept {
    return time_point(duration_cast<duration>(nanoseconds(uk_monotonic_ns())));
}
}  // namespace _V2
}  // namespace std::chrono
