/* kv: a key-value server speaking a subset of the Redis protocol (PING, GET, SET, DEL, INCR,
 * EXISTS, plus SAVE, DBSIZE, QUIT and SHUTDOWN), its data kept in a log on its disk: written
 * out every 100 ms, synced every second, and on SAVE and SHUTDOWN (which then halts). Usage:
 *   kv --net:service=TAP --block:data=FILE -- --ip=A.B.C.D/PREFIX [--port=6379] */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ukmon/guest.h>
#include <ukmon/net.h>

#include "resp.h"
#include "store.h"

UK_DECLARE_NET(service);
UK_DECLARE_BLK(data);

#define FLUSH_MS 100u

static void reply(struct ukstream *s, const char *text) { ukstream_write(s, text, strlen(text)); }

static void reply_int(struct ukstream *s, long long v)
{
    char b[32];
    int n = snprintf(b, sizeof b, ":%lld\r\n", v);
    ukstream_write(s, b, (size_t)n);
}

static void reply_bulk(struct ukstream *s, const char *p, size_t len)
{
    char b[32];
    int n = snprintf(b, sizeof b, "$%zu\r\n", len);
    ukstream_write(s, b, (size_t)n);
    ukstream_write(s, p, len);
    ukstream_write(s, "\r\n", 2);
}

static int is(const struct resp_arg *a, const char *name)
{
    return a->len == strlen(name) && !strncasecmp(a->p, name, a->len);
}

/* A Redis integer: optional '-', 1..19 digits, no leading '+' or spaces; 0 or -1. */
static int parse_ll(const char *p, size_t n, long long *out)
{
    size_t i = 0;
    int neg = 0;
    unsigned long long v = 0;
    if (n && p[0] == '-')
        neg = 1, ++i;
    if (i == n || n - i > 19)
        return -1;
    for (; i < n; ++i) {
        if (!isdigit((unsigned char)p[i]))
            return -1;
        v = v * 10 + (unsigned)(p[i] - '0');
    }
    if (v > (unsigned long long)__LONG_LONG_MAX__ + (unsigned)neg)
        return -1;
    *out = neg ? (long long)(0 - v) : (long long)v;
    return 0;
}

static void incr(struct ukstream *s, const struct resp_arg *key)
{
    size_t vlen;
    long long v = 0;
    const char *cur = store_get(key->p, key->len, &vlen);
    if (cur && parse_ll(cur, vlen, &v) != 0)
        return reply(s, "-ERR value is not an integer or out of range\r\n");
    if (v == __LONG_LONG_MAX__)
        return reply(s, "-ERR increment or decrement would overflow\r\n");
    char b[24];
    int n = snprintf(b, sizeof b, "%lld", ++v);
    if (store_set(key->p, key->len, b, (size_t)n) != 0)
        return reply(s, "-ERR out of memory or disk\r\n");
    reply_int(s, v);
}

static void halt_now(void *arg)
{
    (void)arg;
    uk_halt(0, NULL, 0);
}

/* Writes the log, closes the client's connection (as Redis does: no reply) and halts a
 * moment later, so that the FIN is on the wire before the NIC goes away. */
static void shutdown_now(struct ukstream *s)
{
    if (store_flush(1) != 0)
        return reply(s, "-ERR cannot write the disk\r\n");
    printf("kv: saved %zu keys; halting\n", store_count());
    fflush(stdout);
    ukstream_close(s);
    uknet_after(50, halt_now, NULL);
}

static void execute(struct ukstream *s, const struct resp_cmd *c)
{
    const struct resp_arg *a = c->argv;
    int n = c->argc;
    size_t vlen;
    if (n == 0)
        return;
    if (is(a, "PING") && n <= 2)
        return n == 1 ? reply(s, "+PONG\r\n") : reply_bulk(s, a[1].p, a[1].len);
    if (is(a, "GET") && n == 2) {
        const char *v = store_get(a[1].p, a[1].len, &vlen);
        return v ? reply_bulk(s, v, vlen) : reply(s, "$-1\r\n");
    }
    if (is(a, "SET") && n == 3)
        return store_set(a[1].p, a[1].len, a[2].p, a[2].len) == 0 ? reply(s, "+OK\r\n")
                                                                    : reply(s, "-ERR out of memory or disk\r\n");
    if ((is(a, "DEL") || is(a, "EXISTS")) && n >= 2) {
        long long k = 0;
        for (int i = 1; i < n; ++i)
            k += is(a, "DEL") ? store_del(a[i].p, a[i].len) : store_get(a[i].p, a[i].len, &vlen) != NULL;
        return reply_int(s, k);
    }
    if (is(a, "INCR") && n == 2)
        return incr(s, &a[1]);
    if (is(a, "DBSIZE") && n == 1)
        return reply_int(s, (long long)store_count());
    if (is(a, "SAVE") && n == 1)
        return store_flush(1) == 0 ? reply(s, "+OK\r\n") : reply(s, "-ERR cannot write the disk\r\n");
    if (is(a, "SHUTDOWN"))
        return shutdown_now(s);
    if (is(a, "QUIT") && n == 1) {
        reply(s, "+OK\r\n");
        return ukstream_close(s);
    }
    for (const char *const *k = (const char *const[]){"PING", "GET", "SET", "DEL", "EXISTS", "INCR", "DBSIZE", "SAVE", "QUIT", NULL}; *k; ++k)
        if (is(a, *k))
            return reply(s, "-ERR wrong number of arguments\r\n");
    reply(s, "-ERR unknown command\r\n");
}

static void *on_accept(struct ukstream *s, void *arg)
{
    (void)s;
    return arg;
}

static void on_data(struct ukstream *s, void *conn)
{
    (void)conn;
    size_t len;
    const char *in = (const char *)ukstream_input(s, &len);
    struct resp_cmd c;
    const char *error = NULL;
    int r;
    size_t used = 0;
    /* Every complete command in the input (pipelining), answers in order. */
    while ((r = resp_parse(in + used, len - used, &c, &error)) == 1 && ukstream_pending(s) < UKSTREAM_OUT_HIGH) {
        used += c.length;
        execute(s, &c);
    }
    ukstream_consume(s, used);
    if (r < 0 || (r == 0 && len - used >= RESP_MAX_REQUEST)) {
        reply(s, error ? error : "-ERR request too large\r\n");
        ukstream_close(s);
    }
}

static void on_close(struct ukstream *s, void *conn)
{
    (void)s;
    (void)conn;
}

/* Every 100 ms the log's changes go to the disk file (a killed monitor loses nothing
 * written); once a second the host is asked to fsync it, as Redis's appendfsync everysec. */
static void flush_tick(void *arg)
{
    static unsigned ticks;
    (void)arg;
    if (store_flush(++ticks % 10 == 0) != 0)
        printf("kv: cannot write the disk\n");
    uknet_after(FLUSH_MS, flush_tick, NULL);
}

static const struct ukstream_ops kv_ops = {on_accept, on_data, on_close};

int main(int argc, char **argv)
{
    if (uknet_init("service", &argc, &argv) != 0)
        return 2;
    unsigned long port = 6379;
    for (int i = 1; i < argc; ++i) {
        char *end = NULL;
        if (!strncmp(argv[i], "--port=", 7))
            port = strtoul(argv[i] + 7, &end, 10);
        if (!end || *end || port < 1 || port > 65535) {
            printf("kv: bad argument '%s' (usage: --ip=A.B.C.D/PREFIX [--gw=A.B.C.D] [--port=N])\n", argv[i]);
            return 2;
        }
    }
    if (store_open("data") != 0)
        return 2;
    static int dummy;
    if (ukstream_listen((uint16_t)port, &kv_ops, &dummy) != 0)
        return 2;
    uknet_after(FLUSH_MS, flush_tick, NULL);
    printf("kv: %zu keys; listening on %s:%lu\n", store_count(), uknet_address(), port);
    int r = uknet_run();
    printf("kv: network error %d\n", r);
    return 1;
}
