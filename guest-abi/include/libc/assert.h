/* assert() for guests: prints the failed expression and aborts (halt status 134). */
#ifndef UKMON_LIBC_ASSERT_H
#define UKMON_LIBC_ASSERT_H
#ifdef __cplusplus
extern "C" {
#endif
__attribute__((noreturn)) void uk_assert_fail(const char *expr, const char *file, int line);
#ifdef __cplusplus
}
#endif
#ifdef NDEBUG
#define assert(e) ((void)0)
#else
#define assert(e) ((e) ? (void)0 : uk_assert_fail(#e, __FILE__, __LINE__))
#endif
#if !defined(__cplusplus) && !defined(static_assert)
#define static_assert _Static_assert
#endif
#endif
