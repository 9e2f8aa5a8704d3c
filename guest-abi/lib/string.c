/* Freestanding <string.h> for guests: memory and NUL-terminated string primitives. */
#include <stdint.h>
#include <string.h>

/* GCC turns copy/fill loops into calls to memcpy/memset/memmove; inside those very
 * functions that would be infinite recursion, so the pattern is switched off for them. */
#define UK_NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

/* Word-sized accesses through a may_alias type, so the aliasing rules allow them. */
typedef uint64_t __attribute__((may_alias)) uk_word;

UK_NO_LIBCALL void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    /* Whole words when both sides share alignment: the common case for structs and buffers. */
    if ((((uintptr_t)d ^ (uintptr_t)s) & 7) == 0) {
        while (n > 0 && ((uintptr_t)d & 7) != 0) {
            *d++ = *s++;
            n--;
        }
        for (; n >= 8; n -= 8, d += 8, s += 8)
            *(uk_word *)d = *(const uk_word *)s;
    }
    while (n-- > 0)
        *d++ = *s++;
    return dst;
}

UK_NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    /* Compare as integers: relational operators on unrelated pointers are undefined. */
    if ((uintptr_t)d - (uintptr_t)s >= n) {
        /* dst is below src or past its end: a forward copy never reads a byte it wrote. */
        while (n-- > 0)
            *d++ = *s++;
    } else {
        /* dst overlaps the tail of src: copy backwards. */
        while (n-- > 0)
            d[n] = s[n];
    }
    return dst;
}

UK_NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    unsigned char b = (unsigned char)c;
    while (n > 0 && ((uintptr_t)d & 7) != 0) {
        *d++ = b;
        n--;
    }
    uk_word w = (uk_word)b * 0x0101010101010101ull;
    for (; n >= 8; n -= 8, d += 8)
        *(uk_word *)d = w;
    while (n-- > 0)
        *d++ = b;
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    }
    return NULL;
}

size_t strlen(const char *s)
{
    const char *p = s;
    while (*p != '\0')
        p++;
    return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* C compares strings as unsigned char, whatever the signedness of char. */
int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    while (*x != '\0' && *x == *y) {
        x++;
        y++;
    }
    return (*x > *y) - (*x < *y);
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
        if (x[i] == '\0')
            break;
    }
    return 0;
}

char *strcpy(char *restrict dst, const char *restrict src)
{
    char *d = dst;
    while ((*d++ = *src++) != '\0') {
    }
    return dst;
}

/* C's strncpy: copies at most n bytes and pads with NULs, but does not terminate a string
 * that is n bytes or longer. */
char *strncpy(char *restrict dst, const char *restrict src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i] != '\0'; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

/* The terminating NUL counts as part of the string, so strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
    char ch = (char)c;
    for (;; s++) {
        if (*s == ch)
            return (char *)s;
        if (*s == '\0')
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    char ch = (char)c;
    const char *last = NULL;
    for (;; s++) {
        if (*s == ch)
            last = s;
        if (*s == '\0')
            return (char *)last;
    }
}
