/* httpd: HTTP/1.1 with keep-alive, serving the files of a tar archive on a block device and a
 * small dynamic page at /status. Bad or oversized requests get a 4xx and the connection is
 * closed. Usage:
 *   httpd --net:service=TAP --block-ro:site=SITE.tar -- --ip=A.B.C.D/PREFIX [--port=80] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ukmon/guest.h>
#include <ukmon/net.h>

#include "http.h"
#include "tarfs.h"

UK_DECLARE_NET(service);
UK_DECLARE_BLK(site);

static struct {
    unsigned long long requests, errors, connections, open;
} stats;

static const char *content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
        return "text/html";
    if (!strcmp(dot, ".txt"))
        return "text/plain";
    if (!strcmp(dot, ".css"))
        return "text/css";
    if (!strcmp(dot, ".js"))
        return "text/javascript";
    if (!strcmp(dot, ".png"))
        return "image/png";
    if (!strcmp(dot, ".json"))
        return "application/json";
    return "application/octet-stream";
}

static void respond(struct ukstream *s, int status, const char *type, const void *body, size_t len,
                    int head, int keep_alive)
{
    char h[256];
    int n = snprintf(h, sizeof h,
                     "HTTP/1.1 %d %s\r\nServer: ukmon-httpd\r\nContent-Type: %s\r\n"
                     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                     status, http_reason(status), type, len, keep_alive ? "keep-alive" : "close");
    ukstream_write(s, h, (size_t)n);
    if (!head && len)
        ukstream_write(s, body, len);
    if (!keep_alive)
        ukstream_close(s);
}

static void error_page(struct ukstream *s, int status)
{
    char body[96];
    int n = snprintf(body, sizeof body, "%d %s\n", status, http_reason(status));
    ++stats.errors;
    respond(s, status, "text/plain", body, (size_t)n, 0, 0);
}

static void status_page(struct ukstream *s, const struct http_request *r)
{
    char body[512];
    int n = snprintf(body, sizeof body,
                     "<html><body><h1>ukmon httpd</h1><p>address %s, up %u ms</p>"
                     "<p>%llu requests, %llu errors, %llu connections (%llu open)</p>"
                     "<p>%zu files, %zu bytes</p></body></html>\n",
                     uknet_address(), uknet_now_ms(), stats.requests, stats.errors,
                     stats.connections, stats.open, tarfs_count(), tarfs_bytes());
    respond(s, 200, "text/html", body, (size_t)n, r->head, r->keep_alive);
}

static void serve(struct ukstream *s, const struct http_request *r)
{
    const char *path = r->path + 1; /* after the leading '/' */
    size_t len = r->path_len - 1;
    if (len == 6 && !memcmp(path, "status", 6))
        return status_page(s, r);
    if (len == 0) {
        path = "index.html";
        len = 10;
    }
    const struct tar_file *f = tarfs_find(path, len);
    if (!f)
        return error_page(s, 404);
    respond(s, 200, content_type(f->name), f->data, f->size, r->head, r->keep_alive);
}

static void *on_accept(struct ukstream *s, void *arg)
{
    (void)s;
    ++stats.connections;
    ++stats.open;
    return arg;
}

/* Answers each complete request in the input, in order (pipelining works). */
static void on_data(struct ukstream *s, void *conn)
{
    (void)conn;
    size_t len;
    const char *in = (const char *)ukstream_input(s, &len);
    struct http_request r;
    if (!http_parse(in, len, &r)) {
        if (ukstream_input_ended(s))
            ukstream_close(s); /* a partial request and then EOF: nothing to answer */
        return;
    }
    ukstream_consume(s, r.length);
    ++stats.requests;
    if (r.status)
        return error_page(s, r.status);
    serve(s, &r);
}

static void on_close(struct ukstream *s, void *conn)
{
    (void)s;
    (void)conn;
    --stats.open;
}

static const struct ukstream_ops http_ops = {on_accept, on_data, on_close};

int main(int argc, char **argv)
{
    if (uknet_init("service", &argc, &argv) != 0)
        return 2;
    unsigned long port = 80;
    for (int i = 1; i < argc; ++i) {
        char *end;
        if (!strncmp(argv[i], "--port=", 7) && (port = strtoul(argv[i] + 7, &end, 10), !*end) &&
            port >= 1 && port <= 65535)
            continue;
        printf("httpd: bad argument '%s' (usage: --ip=A.B.C.D/PREFIX [--gw=A.B.C.D] [--port=N])\n", argv[i]);
        return 2;
    }
    if (tarfs_load("site") != 0)
        return 2;
    static int dummy;
    if (ukstream_listen((uint16_t)port, &http_ops, &dummy) != 0)
        return 2;
    printf("httpd: serving %zu files on http://%s:%lu/\n", tarfs_count(), uknet_address(), port);
    int r = uknet_run();
    printf("httpd: network error %d\n", r);
    return 1;
}
