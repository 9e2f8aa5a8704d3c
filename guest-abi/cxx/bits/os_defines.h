/* libstdc++'s OS configuration for ukmon guests: newlib, one thread. Found before the host's
 * glibc one (guest-abi/cxx comes first on the include path); see docs/runtime.md. */
#ifndef _GLIBCXX_OS_DEFINES
#define _GLIBCXX_OS_DEFINES 1

/* newlib's <ctype.h> macros stay: libstdc++'s <cctype> undefines what it replaces. */
#define _GLIBCXX_NO_OBSOLETE_ISINF_ISNAN_DYNAMIC 1

/* Guests have no threads; the host build's c++config.h says TLS exists, guests do not. */
#undef _GLIBCXX_HAVE_TLS

#endif
