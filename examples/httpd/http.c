/* http_parse: request line, headers, the few headers we act on; everything else is a 4xx. */
#include "http.h"

#include <string.h>
#include <strings.h>

static const char *find_crlfcrlf(const char *buf, size_t len)
{
    for (size_t i = 0; i + 3 < len; ++i)
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
            return buf + i;
    return NULL;
}

/* The value of header `name` in [p, end), trimmed; NULL if absent. */
static const char *header(const char *p, const char *end, const char *name, size_t *vlen)
{
    size_t nlen = strlen(name);
    while (p < end) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nlen && p[nlen] == ':' && !strncasecmp(p, name, nlen)) {
            const char *v = p + nlen + 1;
            while (v < eol && (*v == ' ' || *v == '\t'))
                ++v;
            const char *ve = eol;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                --ve;
            *vlen = (size_t)(ve - v);
            return v;
        }
        p = eol + 2;
    }
    return NULL;
}

static int has_token(const char *v, size_t len, const char *token)
{
    size_t t = strlen(token);
    for (size_t i = 0; i + t <= len; ++i)
        if (!strncasecmp(v + i, token, t))
            return 1;
    return 0;
}

int http_parse(const char *buf, size_t len, struct http_request *r)
{
    memset(r, 0, sizeof *r);
    const char *end = find_crlfcrlf(buf, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
    if (!end) {
        if (len < HTTP_HEAD_MAX)
            return 0;
        r->status = 431; /* Request Header Fields Too Large */
        r->length = len;
        return 1;
    }
    r->length = (size_t)(end - buf) + 4;
    const char *line_end = memchr(buf, '\r', (size_t)(end - buf) + 1);
    const char *sp1 = memchr(buf, ' ', (size_t)(line_end - buf));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(line_end - sp1 - 1)) : NULL;
    if (!sp1 || !sp2 || sp2 == sp1 + 1 || sp1[1] != '/') {
        r->status = 400;
        return 1;
    }
    for (const char *c = buf; c < line_end; ++c)
        if ((unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e) {
            r->status = 400;
            return 1;
        }
    size_t vlen = (size_t)(line_end - sp2 - 1);
    int minor;
    if (vlen == 8 && !memcmp(sp2 + 1, "HTTP/1.1", 8))
        minor = 1;
    else if (vlen == 8 && !memcmp(sp2 + 1, "HTTP/1.0", 8))
        minor = 0;
    else {
        r->status = (vlen == 8 && !memcmp(sp2 + 1, "HTTP/", 5)) ? 505 : 400;
        return 1;
    }
    size_t mlen = (size_t)(sp1 - buf);
    if (mlen == 3 && !memcmp(buf, "GET", 3))
        r->head = 0;
    else if (mlen == 4 && !memcmp(buf, "HEAD", 4))
        r->head = 1;
    else {
        r->status = 405;
        return 1;
    }
    r->path = sp1 + 1;
    r->path_len = (size_t)(sp2 - sp1 - 1);
    const char *q = memchr(r->path, '?', r->path_len);
    if (q)
        r->path_len = (size_t)(q - r->path);
    const char *hdrs = line_end + 2, *v;
    size_t n;
    r->keep_alive = minor == 1;
    if ((v = header(hdrs, end, "Connection", &n)))
        r->keep_alive = minor == 1 ? !has_token(v, n, "close") : has_token(v, n, "keep-alive");
    /* We take no bodies: a request with one is refused, not misread as the next request. */
    if (header(hdrs, end, "Transfer-Encoding", &n)) {
        r->status = 411;
        return 1;
    }
    if ((v = header(hdrs, end, "Content-Length", &n)) && !(n == 1 && v[0] == '0')) {
        r->status = 413;
        return 1;
    }
    if (minor == 1 && !header(hdrs, end, "Host", &n)) {
        r->status = 400; /* RFC 9112: a 1.1 request without Host */
        return 1;
    }
    return 1;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
    }
}
