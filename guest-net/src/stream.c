/* Byte streams over lwIP's raw TCP API: each connection buffers its input (at most one TCP
 * window, since the window reopens only as the application consumes) and queues its output
 * until TCP takes it, so applications write whole answers without counting send buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "lwip/tcp.h"

struct listener {
    const struct ukstream_ops *ops;
    void *arg;
};

struct ukstream {
    struct tcp_pcb *pcb;          /* NULL once lwIP has freed it (error) or it was closed */
    const struct ukstream_ops *ops;
    void *conn;
    uint8_t *in;                  /* input buffer: in[in_off .. in_off + in_len) */
    size_t in_off, in_len, in_cap;
    uint8_t *out;                 /* output not yet handed to TCP: out[out_off .. + out_len) */
    size_t out_off, out_len, out_cap;
    int in_ended, closing, in_callback, gone, aborted;
};

static void stream_free(struct ukstream *s)
{
    if (s->ops->on_close && s->conn)
        s->ops->on_close(s, s->conn);
    free(s->in);
    free(s->out);
    free(s);
}

/* Gives lwIP as much queued output as its send buffer takes. */
static void push(struct ukstream *s)
{
    if (!s->pcb)
        return;
    while (s->out_len) {
        size_t room = tcp_sndbuf(s->pcb);
        if (room == 0 || tcp_sndqueuelen(s->pcb) >= TCP_SND_QUEUELEN - 1)
            break;
        size_t n = s->out_len < room ? s->out_len : room;
        if (n > 0xffff)
            n = 0xffff;
        if (tcp_write(s->pcb, s->out + s->out_off, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK)
            break; /* out of segments: the sent callback resumes */
        s->out_off += n;
        s->out_len -= n;
    }
    if (s->out_len == 0)
        s->out_off = 0;
    tcp_output(s->pcb);
}

/* Drops the connection at once (RST); lwIP frees the pcb. */
static void stream_abort(struct ukstream *s)
{
    if (s->pcb) {
        tcp_arg(s->pcb, NULL);
        tcp_abort(s->pcb);
        s->pcb = NULL;
        s->aborted = 1;
    }
    s->gone = 1;
}

/* After any callback: run the application while it has input and room, then close or free
 * what is finished. Returns ERR_ABRT when the pcb was aborted, as lwIP wants. */
static err_t settle(struct ukstream *s)
{
    while (!s->gone && !s->closing && s->in_len && s->out_len < UKSTREAM_OUT_HIGH) {
        size_t before = s->in_len;
        s->in_callback = 1;
        s->ops->on_data(s, s->conn);
        s->in_callback = 0;
        if (s->in_len == before) {
            /* Needs more input; if the peer has sent its last byte, none will come. */
            if (s->in_ended)
                s->closing = 1;
            break;
        }
    }
    if (!s->gone)
        push(s);
    if (!s->gone && s->pcb && (s->closing || (s->in_ended && s->in_len == 0)) && s->out_len == 0) {
        /* Input left unread would make lwIP answer the close with a reset, which can
         * overtake our last answer at the client: count it as read. */
        ukstream_consume(s, s->in_len);
        tcp_arg(s->pcb, NULL);
        tcp_recv(s->pcb, NULL);
        tcp_sent(s->pcb, NULL);
        tcp_err(s->pcb, NULL);
        tcp_poll(s->pcb, NULL, 0);
        if (tcp_close(s->pcb) != ERR_OK) {
            stream_abort(s);
            stream_free(s);
            return ERR_ABRT;
        }
        s->pcb = NULL;
        s->gone = 1;
    }
    if (s->gone) {
        err_t r = s->aborted ? ERR_ABRT : ERR_OK;
        stream_free(s);
        return r;
    }
    return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct ukstream *s = arg;
    (void)pcb;
    if (!s) {
        if (p)
            pbuf_free(p);
        return ERR_OK;
    }
    if (!p || err != ERR_OK) {
        s->in_ended = 1;
        if (p)
            pbuf_free(p);
        return settle(s);
    }
    size_t need = s->in_off + s->in_len + p->tot_len;
    if (need > s->in_cap) {
        if (s->in_off) { /* compact first */
            memmove(s->in, s->in + s->in_off, s->in_len);
            s->in_off = 0;
            need = s->in_len + p->tot_len;
        }
        if (need > s->in_cap) {
            size_t cap = s->in_cap ? s->in_cap : 2048;
            while (cap < need)
                cap *= 2;
            uint8_t *in = realloc(s->in, cap);
            if (!in) {
                pbuf_free(p);
                stream_abort(s);
                stream_free(s);
                return ERR_ABRT;
            }
            s->in = in;
            s->in_cap = cap;
        }
    }
    pbuf_copy_partial(p, s->in + s->in_off + s->in_len, p->tot_len, 0);
    s->in_len += p->tot_len;
    pbuf_free(p);
    err_t r = settle(s);
    return r;
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    (void)pcb;
    (void)len;
    return arg ? settle(arg) : ERR_OK;
}

static void on_err(void *arg, err_t err)
{
    struct ukstream *s = arg;
    (void)err;
    if (!s)
        return;
    s->pcb = NULL; /* lwIP has freed it */
    s->gone = 1;
    if (!s->in_callback)
        stream_free(s);
}

/* Retries a close that found no memory, and output that found no segments. */
static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
    (void)pcb;
    return arg ? settle(arg) : ERR_OK;
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct listener *l = arg;
    if (err != ERR_OK || !pcb)
        return ERR_VAL;
    struct ukstream *s = calloc(1, sizeof *s);
    if (!s) {
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    s->pcb = pcb;
    s->ops = l->ops;
    tcp_nagle_disable(pcb); /* answers go out when written: request/response protocols */
    s->conn = l->ops->on_accept(s, l->arg);
    if (!s->conn) {
        free(s);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    tcp_arg(pcb, s);
    tcp_recv(pcb, on_recv);
    tcp_sent(pcb, on_sent);
    tcp_err(pcb, on_err);
    tcp_poll(pcb, on_poll, 2);
    return ERR_OK;
}

int ukstream_listen(uint16_t port, const struct ukstream_ops *ops, void *listen_arg)
{
    struct listener *l = malloc(sizeof *l);
    struct tcp_pcb *pcb = tcp_new();
    if (!l || !pcb) {
        printf("uknet: out of memory listening on port %u\n", port);
        return -1;
    }
    l->ops = ops;
    l->arg = listen_arg;
    if (tcp_bind(pcb, IP_ADDR_ANY, port) != ERR_OK) {
        printf("uknet: port %u is in use\n", port);
        return -1;
    }
    pcb = tcp_listen(pcb);
    if (!pcb) {
        printf("uknet: cannot listen on port %u\n", port);
        return -1;
    }
    tcp_arg(pcb, l);
    tcp_accept(pcb, on_accept);
    return 0;
}

const uint8_t *ukstream_input(struct ukstream *s, size_t *len)
{
    *len = s->in_len;
    return s->in + s->in_off;
}

int ukstream_input_ended(const struct ukstream *s) { return s->in_ended; }

void ukstream_consume(struct ukstream *s, size_t n)
{
    if (n > s->in_len)
        n = s->in_len;
    s->in_off += n;
    s->in_len -= n;
    if (s->in_len == 0)
        s->in_off = 0;
    /* The window reopens by what was consumed: unconsumed input stays within one window. */
    while (s->pcb && n) {
        u16_t k = n > 0xffff ? 0xffff : (u16_t)n;
        tcp_recved(s->pcb, k);
        n -= k;
    }
}

int ukstream_write(struct ukstream *s, const void *data, size_t len)
{
    if (s->gone)
        return -1;
    if (s->out_off + s->out_len + len > s->out_cap) {
        if (s->out_off) {
            memmove(s->out, s->out + s->out_off, s->out_len);
            s->out_off = 0;
        }
        if (s->out_len + len > s->out_cap) {
            size_t cap = s->out_cap ? s->out_cap : 4096;
            while (cap < s->out_len + len)
                cap *= 2;
            uint8_t *out = realloc(s->out, cap);
            if (!out) {
                stream_abort(s);
                return -1;
            }
            s->out = out;
            s->out_cap = cap;
        }
    }
    memcpy(s->out + s->out_off + s->out_len, data, len);
    s->out_len += len;
    return 0;
}

void ukstream_close(struct ukstream *s) { s->closing = 1; }

size_t ukstream_pending(const struct ukstream *s) { return s->out_len; }
