/* Guest <stdlib.h> process control and number parsing; assert's failure path. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <ukmon/guest.h>

/* The exit status of abort() and failed asserts, as a shell reports SIGABRT (128 + 6). */
#define ABORT_STATUS 134

__attribute__((noreturn)) void abort(void)
{
    uk_puts("abort()\n", 8);
    uk_halt(ABORT_STATUS, 0, 0);
}

__attribute__((noreturn)) void exit(int status)
{
    uk_halt((uint64_t)status, 0, 0);
}

__attribute__((noreturn)) void uk_assert_fail(const char *expr, const char *file, int line)
{
    printf("assertion failed: %s (%s:%d)\n", expr, file, line);
    uk_halt(ABORT_STATUS, 0, 0);
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* The value of c as a digit in any base up to 36, or 36 when it is not a digit. */
static unsigned digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned)(c - 'a') + 10;
    if (c >= 'A' && c <= 'Z')
        return (unsigned)(c - 'A') + 10;
    return 36;
}

/* Shared by strtol and strtoul: parses [space][sign][0x]digits and returns the magnitude,
 * clamped to limit (with *overflow set). *end is s when there are no digits, as C requires. */
static unsigned long parse(const char *s, char **end, int base, unsigned long limit, int *negative,
                           int *overflow)
{
    const char *p = s;
    *negative = 0;
    *overflow = 0;
    if (end != NULL)
        *end = (char *)s;
    if (base < 0 || base == 1 || base > 36)
        return 0;

    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        *negative = *p++ == '-';
    /* "0x" is a prefix only when a hex digit follows; otherwise the 0 alone is the number. */
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }

    unsigned long v = 0;
    const char *digits = p;
    for (unsigned d; (d = digit_value(*p)) < (unsigned)base; p++) {
        if (v > (limit - d) / (unsigned)base) {
            *overflow = 1;
            v = limit; /* keep consuming digits: *end goes past the whole number */
        } else if (!*overflow) {
            v = v * (unsigned)base + d;
        }
    }
    if (p == digits)
        return 0;
    if (end != NULL)
        *end = (char *)p;
    return v;
}

long strtol(const char *restrict s, char **restrict end, int base)
{
    int negative, overflow;
    /* The magnitude of LONG_MIN is one more than LONG_MAX. */
    unsigned long max = (unsigned long)__LONG_MAX__;
    unsigned long v = parse(s, end, base, max + 1, &negative, &overflow);
    if (negative)
        return v > max ? -__LONG_MAX__ - 1 : -(long)v;
    return v > max ? __LONG_MAX__ : (long)v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base)
{
    int negative, overflow;
    unsigned long v = parse(s, end, base, ~0ul, &negative, &overflow);
    if (overflow)
        return ~0ul;
    /* C negates in unsigned arithmetic: "-1" gives ULONG_MAX. */
    return negative ? -v : v;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
