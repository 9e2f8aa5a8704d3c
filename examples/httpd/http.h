/* HTTP/1.x request parsing, pure: bytes in, a verdict out. */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H
#include <stddef.h>

#define HTTP_HEAD_MAX 8192u /* request line and headers together */

struct http_request {
    int status;         /* 0: well formed; else the 4xx/5xx to answer */
    int head;           /* HEAD rather than GET */
    int keep_alive;
    const char *path;   /* into the input; not NUL-terminated */
    size_t path_len;
    size_t length;      /* bytes the request takes in the input */
};

/* Parses one request at the start of buf. Returns 0 when more input is needed (and the
 * head is still under HTTP_HEAD_MAX), else 1 with *r filled (r->status may be an error). */
int http_parse(const char *buf, size_t len, struct http_request *r);
const char *http_reason(int status);

#endif
