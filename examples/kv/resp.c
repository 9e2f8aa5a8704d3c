/* resp_parse: bounds on every count and length before they are used. */
#include "resp.h"

#include <string.h>

/* A decimal number ending in CRLF at buf[*pos]; 1 parsed, 0 incomplete, -1 malformed. */
static int number_line(const char *buf, size_t len, size_t *pos, long *out)
{
    size_t i = *pos;
    long v = 0;
    int neg = 0, digits = 0;
    if (i < len && buf[i] == '-') {
        neg = 1;
        ++i;
    }
    for (; i < len && buf[i] >= '0' && buf[i] <= '9'; ++i, ++digits) {
        if (v > 100000000)
            return -1;
        v = v * 10 + (buf[i] - '0');
    }
    if (i + 1 >= len)
        return digits > 10 ? -1 : 0;
    if (!digits || buf[i] != '\r' || buf[i + 1] != '\n')
        return -1;
    *pos = i + 2;
    *out = neg ? -v : v;
    return 1;
}

static int inline_cmd(const char *buf, size_t len, struct resp_cmd *c, const char **error)
{
    const char *nl = memchr(buf, '\n', len);
    if (!nl)
        return 0;
    size_t end = (size_t)(nl - buf);
    size_t line = end > 0 && buf[end - 1] == '\r' ? end - 1 : end;
    c->argc = 0;
    for (size_t i = 0; i < line;) {
        while (i < line && buf[i] == ' ')
            ++i;
        size_t start = i;
        while (i < line && buf[i] != ' ')
            ++i;
        if (i > start) {
            if (c->argc == RESP_MAX_ARGS) {
                *error = "-ERR too many arguments\r\n";
                return -1;
            }
            c->argv[c->argc++] = (struct resp_arg){buf + start, i - start};
        }
    }
    c->length = end + 1;
    return 1;
}

int resp_parse(const char *buf, size_t len, struct resp_cmd *c, const char **error)
{
    c->argc = 0;
    if (len == 0)
        return 0;
    if (buf[0] != '*')
        return inline_cmd(buf, len, c, error);
    size_t pos = 1;
    long n;
    int r = number_line(buf, len, &pos, &n);
    if (r <= 0)
        goto out;
    if (n < 1 || n > RESP_MAX_ARGS) {
        *error = n < 1 ? "-ERR Protocol error: invalid multibulk length\r\n" : "-ERR too many arguments\r\n";
        return -1;
    }
    for (long i = 0; i < n; ++i) {
        if (pos >= len)
            return 0;
        if (buf[pos] != '$') {
            *error = "-ERR Protocol error: expected '$'\r\n";
            return -1;
        }
        ++pos;
        long blen;
        r = number_line(buf, len, &pos, &blen);
        if (r <= 0)
            goto out;
        if (blen < 0 || (size_t)blen > RESP_MAX_REQUEST) {
            *error = "-ERR Protocol error: invalid bulk length\r\n";
            return -1;
        }
        if (len - pos < (size_t)blen + 2)
            return 0;
        if (buf[pos + (size_t)blen] != '\r' || buf[pos + (size_t)blen + 1] != '\n') {
            *error = "-ERR Protocol error: bulk string without CRLF\r\n";
            return -1;
        }
        c->argv[c->argc++] = (struct resp_arg){buf + pos, (size_t)blen};
        pos += (size_t)blen + 2;
    }
    c->length = pos;
    return 1;
out:
    if (r < 0)
        *error = "-ERR Protocol error: bad number\r\n";
    return r;
}
