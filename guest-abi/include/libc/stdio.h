/* Formatted output for guests: snprintf into memory, printf to the console (uk_puts). */
#ifndef UKMON_LIBC_STDIO_H
#define UKMON_LIBC_STDIO_H
#include <stdarg.h>
#include <stddef.h>
#ifdef __cplusplus
extern "C" {
#endif
/* Conversions: %d %i %u %x %X %o %c %s %p %%, flags - 0 + space #, width and precision
 * (also *), length modifiers hh h l ll z j t. Returns the length the full output needs. */
int vsnprintf(char *__restrict buf, size_t size, const char *__restrict fmt, va_list ap);
int snprintf(char *__restrict buf, size_t size, const char *__restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vprintf(const char *__restrict fmt, va_list ap);
int printf(const char *__restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int puts(const char *s); /* appends a newline, like C's puts */
int putchar(int c);
#ifdef __cplusplus
}
#endif
#endif
