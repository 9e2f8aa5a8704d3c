/* The printf formatting engine: parses a format and writes into a bounded buffer or a sink. */
#include "format.h"

#include <stdint.h>

/* Widths and precisions are ints in C; larger values in the format are clamped here. */
#define FMT_INT_MAX 0x7fffffff

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_J, LEN_T };

enum flag {
    FL_LEFT = 1,  /* '-' */
    FL_ZERO = 2,  /* '0' */
    FL_PLUS = 4,  /* '+' */
    FL_SPACE = 8, /* ' ' */
    FL_ALT = 16   /* '#' */
};

struct spec {
    unsigned flags;
    size_t width;
    long prec; /* -1: not given */
    enum length len;
};

/* Where output goes. Bounded mode (sink == NULL) keeps the first size-1 bytes and counts the
 * rest; stream mode hands buf to the sink each time it fills. */
struct out {
    char *buf;
    size_t size;
    size_t pos; /* stream mode: bytes waiting in buf */
    size_t len; /* total output length so far, saturating */
    uk_format_sink *sink;
    void *ctx;
};

static void out_count(struct out *o, size_t n)
{
    o->len = n > SIZE_MAX - o->len ? SIZE_MAX : o->len + n;
}

/* Bounded mode: bytes that still fit before the one kept for the NUL. */
static size_t bounded_room(const struct out *o)
{
    size_t cap = o->size > 0 ? o->size - 1 : 0;
    return o->len < cap ? cap - o->len : 0;
}

static void out_bytes(struct out *o, const char *s, size_t n)
{
    if (o->sink != NULL) {
        for (size_t i = 0; i < n; i++) {
            o->buf[o->pos++] = s[i];
            if (o->pos == o->size) {
                o->sink(o->ctx, o->buf, o->pos);
                o->pos = 0;
            }
        }
    } else {
        size_t room = bounded_room(o);
        for (size_t i = 0; i < n && i < room; i++)
            o->buf[o->len + i] = s[i];
    }
    out_count(o, n);
}

/* Padding: in bounded mode only what fits is written, so a huge width costs no time. */
static void out_repeat(struct out *o, char c, size_t n)
{
    if (o->sink != NULL) {
        for (size_t i = 0; i < n; i++)
            out_bytes(o, &c, 1);
        return;
    }
    size_t room = bounded_room(o);
    for (size_t i = 0; i < n && i < room; i++)
        o->buf[o->len + i] = c;
    out_count(o, n);
}

static size_t bounded_strlen(const char *s, long prec)
{
    size_t n = 0;
    while ((prec < 0 || n < (size_t)prec) && s[n] != '\0')
        n++;
    return n;
}

/* A string or character field: width pads with spaces, on the left unless '-'. */
static void put_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    size_t pad = sp->width > n ? sp->width - n : 0;
    if (!(sp->flags & FL_LEFT))
        out_repeat(o, ' ', pad);
    out_bytes(o, s, n);
    if (sp->flags & FL_LEFT)
        out_repeat(o, ' ', pad);
}

/* An integer field: [pad][sign][prefix][zeros][digits][pad], following C's rules. */
static void put_int(struct out *o, const struct spec *sp, uintmax_t mag, char sign, unsigned base,
                    int upper, const char *prefix)
{
    const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[3 * sizeof(uintmax_t)]; /* 22 octal digits for 64 bits */
    size_t n = 0;
    for (; mag != 0; mag /= base)
        tmp[sizeof tmp - ++n] = digit[mag % base];

    /* The default precision is 1, so 0 prints "0"; an explicit precision disables '0'. */
    size_t prec = sp->prec < 0 ? 1 : (size_t)sp->prec;
    size_t zeros = prec > n ? prec - n : 0;
    if ((sp->flags & FL_ALT) && base == 8 && zeros == 0)
        zeros = 1; /* '#' with %o: the first digit must be 0 */

    size_t plen = 0;
    while (prefix[plen] != '\0')
        plen++;
    size_t body = (sign != '\0') + plen + zeros + n;
    if ((sp->flags & FL_ZERO) && !(sp->flags & FL_LEFT) && sp->prec < 0 && sp->width > body) {
        zeros += sp->width - body;
        body = sp->width;
    }
    size_t pad = sp->width > body ? sp->width - body : 0;

    if (!(sp->flags & FL_LEFT))
        out_repeat(o, ' ', pad);
    if (sign != '\0')
        out_bytes(o, &sign, 1);
    out_bytes(o, prefix, plen);
    out_repeat(o, '0', zeros);
    out_bytes(o, tmp + sizeof tmp - n, n);
    if (sp->flags & FL_LEFT)
        out_repeat(o, ' ', pad);
}

static intmax_t arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H: return (short)va_arg(*ap, int);
    case LEN_L: return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z: return (intmax_t)(ptrdiff_t)va_arg(*ap, size_t); /* the signed size_t */
    case LEN_J: return va_arg(*ap, intmax_t);
    case LEN_T: return va_arg(*ap, ptrdiff_t);
    case LEN_NONE: break;
    }
    return va_arg(*ap, int);
}

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
    case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
    case LEN_L: return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z: return va_arg(*ap, size_t);
    case LEN_J: return va_arg(*ap, uintmax_t);
    case LEN_T: return (size_t)va_arg(*ap, ptrdiff_t); /* the unsigned ptrdiff_t */
    case LEN_NONE: break;
    }
    return va_arg(*ap, unsigned);
}

/* Reads decimal digits, clamping at FMT_INT_MAX. */
static long parse_num(const char **pp)
{
    const char *p = *pp;
    long v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        int d = *p - '0';
        v = v > (FMT_INT_MAX - d) / 10 ? FMT_INT_MAX : v * 10 + d;
    }
    *pp = p;
    return v;
}

/* Parses flags, width, precision and length after a '%'; returns the conversion's position. */
static const char *parse_spec(const char *p, struct spec *sp, va_list *ap)
{
    sp->flags = 0;
    for (;; p++) {
        if (*p == '-') sp->flags |= FL_LEFT;
        else if (*p == '0') sp->flags |= FL_ZERO;
        else if (*p == '+') sp->flags |= FL_PLUS;
        else if (*p == ' ') sp->flags |= FL_SPACE;
        else if (*p == '#') sp->flags |= FL_ALT;
        else break;
    }

    if (*p == '*') {
        p++;
        long long w = va_arg(*ap, int);
        if (w < 0) { /* a negative '*' width means '-' and its magnitude */
            sp->flags |= FL_LEFT;
            w = -w;
        }
        sp->width = (size_t)(w > FMT_INT_MAX ? FMT_INT_MAX : w);
    } else {
        sp->width = (size_t)parse_num(&p);
    }

    sp->prec = -1;
    if (*p == '.') {
        p++;
        if (*p == '*') {
            p++;
            int pr = va_arg(*ap, int);
            sp->prec = pr < 0 ? -1 : pr; /* a negative '*' precision counts as absent */
        } else {
            sp->prec = parse_num(&p);
        }
    }

    sp->len = LEN_NONE;
    switch (*p) {
    case 'h':
        p++;
        sp->len = LEN_H;
        if (*p == 'h') { p++; sp->len = LEN_HH; }
        break;
    case 'l':
        p++;
        sp->len = LEN_L;
        if (*p == 'l') { p++; sp->len = LEN_LL; }
        break;
    case 'z': p++; sp->len = LEN_Z; break;
    case 'j': p++; sp->len = LEN_J; break;
    case 't': p++; sp->len = LEN_T; break;
    default: break;
    }
    return p;
}

/* Formats one conversion; returns 0 if it is not one we support. */
static int convert(struct out *o, const struct spec *sp, char conv, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        intmax_t v = arg_signed(ap, sp->len);
        /* Negate in unsigned arithmetic so INTMAX_MIN has a magnitude. */
        uintmax_t mag = v < 0 ? -(uintmax_t)v : (uintmax_t)v;
        char sign = v < 0 ? '-' : (sp->flags & FL_PLUS) ? '+' : (sp->flags & FL_SPACE) ? ' ' : '\0';
        put_int(o, sp, mag, sign, 10, 0, "");
        return 1;
    }
    case 'u':
        put_int(o, sp, arg_unsigned(ap, sp->len), '\0', 10, 0, "");
        return 1;
    case 'o':
        put_int(o, sp, arg_unsigned(ap, sp->len), '\0', 8, 0, "");
        return 1;
    case 'x':
    case 'X': {
        uintmax_t v = arg_unsigned(ap, sp->len);
        const char *prefix = (sp->flags & FL_ALT) && v != 0 ? (conv == 'x' ? "0x" : "0X") : "";
        put_int(o, sp, v, '\0', 16, conv == 'X', prefix);
        return 1;
    }
    case 'c': {
        if (sp->len != LEN_NONE)
            return 0; /* %lc is a wide character: not supported */
        char ch = (char)va_arg(*ap, int);
        put_padded(o, sp, &ch, 1);
        return 1;
    }
    case 's': {
        if (sp->len != LEN_NONE)
            return 0; /* %ls is a wide string: not supported */
        const char *s = va_arg(*ap, const char *);
        if (s == NULL)
            s = "(null)";
        put_padded(o, sp, s, bounded_strlen(s, sp->prec));
        return 1;
    }
    case 'p': {
        if (sp->len != LEN_NONE)
            return 0;
        const void *v = va_arg(*ap, const void *);
        if (v == NULL) {
            put_padded(o, sp, "(nil)", 5);
            return 1;
        }
        put_int(o, sp, (uintptr_t)v, '\0', 16, 0, "0x");
        return 1;
    }
    case '%':
        out_bytes(o, "%", 1);
        return 1;
    default:
        return 0;
    }
}

static int format(struct out *o, const char *fmt, va_list *ap)
{
    const char *p = fmt;
    while (*p != '\0') {
        if (*p != '%') {
            const char *run = p;
            while (*p != '\0' && *p != '%')
                p++;
            out_bytes(o, run, (size_t)(p - run));
            continue;
        }
        const char *start = p;
        struct spec sp;
        p = parse_spec(p + 1, &sp, ap);
        if (*p == '\0') { /* the format ends inside a conversion: print it as it is */
            out_bytes(o, start, (size_t)(p - start));
            break;
        }
        char conv = *p++;
        if (!convert(o, &sp, conv, ap))
            out_bytes(o, start, (size_t)(p - start)); /* unknown: visible, not silently lost */
    }
    return o->len > FMT_INT_MAX ? -1 : (int)o->len;
}

int uk_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0, 0, NULL, NULL};
    va_list aq;
    va_copy(aq, ap); /* va_list may be an array type; a copy gives us a plain pointer to it */
    int r = format(&o, fmt, &aq);
    va_end(aq);
    if (size > 0)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return r;
}

int uk_vformat_stream(char *buf, size_t size, uk_format_sink *sink, void *ctx, const char *fmt,
                      va_list ap)
{
    if (size == 0 || sink == NULL)
        return uk_vformat(NULL, 0, fmt, ap); /* nowhere to stream: count only */
    struct out o = {buf, size, 0, 0, sink, ctx};
    va_list aq;
    va_copy(aq, ap);
    int r = format(&o, fmt, &aq);
    va_end(aq);
    if (o.pos > 0)
        sink(ctx, buf, o.pos);
    return r;
}
