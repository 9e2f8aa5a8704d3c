// What GCC's runtime objects (built for glibc) name in glibc beyond the C standard, given
// for a guest with exactly one thread and no asynchronous guest code. docs/runtime.md.
#include <cerrno>

extern "C" {

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
