/* Guest <stdio.h>: snprintf into memory over uk_vformat, printf and puts to the console. */
#include <stdio.h>
#include <string.h>
#include <ukmon/guest.h>

#include "format.h"

/* Console output is staged in a stack buffer of this size: one hypercall per buffer. */
#define CONSOLE_CHUNK 1024

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
    return uk_vformat(buf, size, fmt, ap);
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = uk_vformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

struct console {
    int failed;
};

/* Output longer than one buffer reaches the console in several pieces, never truncated;
 * after a failed write the rest is dropped and printf reports the error. */
static void console_sink(void *ctx, const char *data, size_t len)
{
    struct console *c = ctx;
    if (!c->failed && uk_puts(data, len) != UK_OK)
        c->failed = 1;
}

int vprintf(const char *restrict fmt, va_list ap)
{
    char buf[CONSOLE_CHUNK];
    struct console c = {0};
    int n = uk_vformat_stream(buf, sizeof buf, console_sink, &c, fmt, ap);
    return c.failed ? -1 : n;
}

int printf(const char *restrict fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    size_t n = strlen(s);
    char buf[CONSOLE_CHUNK];
    /* A short line goes out with its newline in one hypercall. */
    if (n < sizeof buf) {
        memcpy(buf, s, n);
        buf[n] = '\n';
        return uk_puts(buf, n + 1) == UK_OK ? 0 : -1;
    }
    if (uk_puts(s, n) != UK_OK || uk_puts("\n", 1) != UK_OK)
        return -1;
    return 0;
}

int putchar(int c)
{
    char ch = (char)c;
    return uk_puts(&ch, 1) == UK_OK ? (unsigned char)ch : -1;
}
