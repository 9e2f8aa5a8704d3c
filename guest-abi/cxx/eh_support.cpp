// Exceptions in a guest with GCC's own libsupc++ and libgcc_eh (glibc builds): the pieces
// of them that are unsound in a guest, replaced (TLS globals, a terminate handler writing to
// glibc's stderr), and the lookup the unwinder makes for the unwind tables. docs/runtime.md.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <typeinfo>

#include <cxxabi.h>

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
}  // extern "C"
