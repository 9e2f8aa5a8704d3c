/* Target-independent helpers of the test guests' little Solo5 API. */
#include "solo5_guest.h"

size_t t_strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}
int t_strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
void *t_memset(void *d, int c, size_t n) {
    unsigned char *p = d;
    while (n--) *p++ = (unsigned char)c;
    return d;
}
void *t_memcpy(void *d, const void *s, size_t n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    while (n--) *p++ = *q++;
    return d;
}
/* gcc may emit calls to these for struct copies and zeroing. */
void *memset(void *d, int c, size_t n) { return t_memset(d, c, n); }
void *memcpy(void *d, const void *s, size_t n) { return t_memcpy(d, s, n); }

void solo5_puts(const char *s) { solo5_console_write(s, t_strlen(s)); }

void t_print_u64(uint64_t v) {
    char buf[24];
    int i = sizeof buf;
    buf[--i] = 0;
    do buf[--i] = (char)('0' + v % 10); while ((v /= 10) && i > 0);
    solo5_puts(buf + i);
}

extern const struct solo5_mft *solo5_test_mft;  /* set by the target's start code */

const struct solo5_mft_entry *solo5_device(const char *name, uint32_t type, uint64_t *handle) {
    for (uint32_t i = 1; i < solo5_test_mft->entries; i++) {
        const struct solo5_mft_entry *e = &solo5_test_mft->e[i];
        if (e->type == type && t_strcmp(e->name, name) == 0 && e->attached) {
            *handle = i;
            return e;
        }
    }
    return 0;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *p = a, *q = b;
    for (; n; n--, p++, q++)
        if (*p != *q) return *p - *q;
    return 0;
}
