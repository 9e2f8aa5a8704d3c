// What GCC's own C++ runtime (libsupc++, libgcc_eh and a few libstdc++ objects, built for
// glibc) expects from the C library and that newlib lacks, given for a guest with one thread.
// Each definition replaces a glibc facility or a runtime object that is unsound in a guest
// (thread-local storage, glibc's stderr); docs/runtime.md says why each is sound.
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <random>
#include <typeinfo>

#include <cxxabi.h>
#include <unistd.h>
#include <ukmon/guest.h>

// ---- the exception runtime's per-thread globals, for the guest's one thread -------------
// libsupc++'s own eh_globals.o keeps them in TLS (__tls_get_addr), which a guest has not:
// under seccomp %fs is the monitor's. Same layout as libsupc++'s __cxa_eh_globals (GCC 12).
namespace {
struct EhGlobals {
    void* caught_exceptions;
    unsigned int uncaught_exceptions;
};
EhGlobals eh_globals;
}  // namespace

extern "C" abi::__cxa_eh_globals* __cxa_get_globals() noexcept {
    return reinterpret_cast<abi::__cxa_eh_globals*>(&eh_globals);
}
extern "C" abi::__cxa_eh_globals* __cxa_get_globals_fast() noexcept {
    return reinterpret_cast<abi::__cxa_eh_globals*>(&eh_globals);
}

// ---- std::terminate's default handler: libsupc++'s writes to glibc's stderr -------------
namespace __gnu_cxx {
void __verbose_terminate_handler() {
    std::type_info* t = abi::__cxa_current_exception_type();
    if (t == nullptr) {
        std::fputs("terminate called without an active exception\n", stderr);
    } else {
        int status = -1;
        char* name = abi::__cxa_demangle(t->name(), nullptr, nullptr, &status);
        std::fprintf(stderr, "terminate called after throwing an instance of '%s'\n",
                     status == 0 ? name : t->name());
        std::free(name);
        try {
            throw;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "  what():  %s\n", e.what());
        } catch (...) {
        }
    }
    std::abort();
}
}  // namespace __gnu_cxx

// ---- where the unwinder finds the guest's unwind tables ---------------------------------
// libgcc_eh (glibc build) asks _dl_find_object for the .eh_frame_hdr that covers a pc; a
// guest is one static object, so the answer is the linker script's symbols (guest.ld).
extern "C" {
extern const char __guest_text_start[], __guest_text_end[], __eh_frame_hdr_start[];

struct dl_find_object {  // glibc 2.35+, x86_64: no eh_dbase, no eh_count
    unsigned long long dlfo_flags;
    void* dlfo_map_start;
    void* dlfo_map_end;
    void* dlfo_link_map;
    void* dlfo_eh_frame;
    unsigned long long reserved[7];
};
static_assert(sizeof(dl_find_object) == 96 && offsetof(dl_find_object, dlfo_eh_frame) == 32,
              "glibc's struct dl_find_object layout on x86_64");

int _dl_find_object(void* pc, dl_find_object* out) {
    auto p = reinterpret_cast<uintptr_t>(pc);
    if (p < reinterpret_cast<uintptr_t>(__guest_text_start) ||
        p >= reinterpret_cast<uintptr_t>(__guest_text_end))
        return -1;
    std::memset(out, 0, sizeof *out);
    out->dlfo_map_start = const_cast<char*>(__guest_text_start);
    out->dlfo_map_end = const_cast<char*>(__guest_text_end);
    out->dlfo_eh_frame = const_cast<char*>(__eh_frame_hdr_start);
    return 0;
}

// ---- glibc facilities the runtime objects name, for one thread ---------------------------
// Read by guard.o and shared_ptr code to skip atomics and futexes: true in every guest.
char __libc_single_threaded = 1;

// eh_alloc.o's emergency pool lock. With one thread and no asynchronous guest code
// (no interrupts or signal handlers run guest code), a lock that is never contended is free.
int pthread_mutex_lock(void*) { return 0; }
int pthread_mutex_unlock(void*) { return 0; }

// guard.o's futex path, reached only with several threads: never in a guest.
long syscall(long, ...) {
    errno = ENOSYS;
    return -1;
}

// functexcept.o translates its messages; a guest has no catalogues.
char* gettext(const char* msgid) { return const_cast<char*>(msgid); }
}  // extern "C"

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
