/* Internal: the printf formatting engine behind snprintf and printf. Pure, host-testable. */
#ifndef UKMON_GUEST_FORMAT_H
#define UKMON_GUEST_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Formats fmt into buf as C's vsnprintf does, for the conversions stdio.h documents.
 * Writes at most size bytes and always NUL-terminates when size > 0; buf may be NULL when
 * size is 0. Returns the length the whole output needs (excluding the NUL), or -1 when that
 * exceeds INT_MAX. Not supported and copied literally: unknown conversions, %n, floating
 * point. %s of NULL prints "(null)" (cut by the precision like any string); %p of NULL
 * prints "(nil)"; other %p are "0x" and lower-case hex, as glibc does. */
int uk_vformat(char *buf, size_t size, const char *fmt, va_list ap);

/* Receives output in pieces, in order. */
typedef void uk_format_sink(void *ctx, const char *data, size_t len);

/* Streaming form for printf: buf (size > 0) is a scratch buffer; every time it fills, and
 * once at the end, its contents go to sink(ctx, ...). No NUL is written. Returns the total
 * length as uk_vformat does. */
int uk_vformat_stream(char *buf, size_t size, uk_format_sink *sink, void *ctx, const char *fmt,
                      va_list ap);

#ifdef __cplusplus
}
#endif
#endif
