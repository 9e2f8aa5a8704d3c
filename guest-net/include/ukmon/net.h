/* ukmon's network layer for guests: lwIP on the NIC hypercalls, and byte streams over lwIP's
 * TCP for servers. One thread, callbacks only: a guest sets things up in main, then calls
 * uknet_run(), which sleeps in the host until a frame arrives or a timer is due. See
 * docs/network.md for a minimal server and for why this is not a socket API. */
#ifndef UKMON_NET_H
#define UKMON_NET_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Brings up the NIC declared as `nic` (UK_DECLARE_NET) with the address given in the guest's
 * arguments; *argv becomes a copy of the arguments without those (the boot area's own
 * argv is read-only):
 *   --ip=A.B.C.D/PREFIX   (or --ip=A.B.C.D with --mask=M.M.M.M)   required
 *   --gw=A.B.C.D                                                   optional
 * Returns 0, or prints one line saying what is wrong and returns -1. */
int uknet_init(const char *nic, int *argc, char ***argv);
/* The address, as text ("10.0.0.2"). */
const char *uknet_address(void);
/* Serves forever: reads frames in batches, runs lwIP's timers, sends in batches, and sleeps
 * in the host when there is nothing to do. Returns only on a host error (a uk_status). */
int uknet_run(void);
/* One round of uknet_run, waiting at most max_wait_ms for a frame (0: do not wait). */
int uknet_poll(uint32_t max_wait_ms);
/* Calls fn(arg) after ms milliseconds, from the loop (lwIP's sys_timeout). */
void uknet_after(uint32_t ms, void (*fn)(void *arg), void *arg);
/* Milliseconds since boot. */
uint32_t uknet_now_ms(void);

/* ---- streams: a TCP connection as an input buffer and an output queue ------------------- */
struct ukstream;

struct ukstream_ops {
    /* A connection arrived: return the application's state for it (passed to the others),
     * or NULL to refuse it (it is reset). */
    void *(*on_accept)(struct ukstream *s, void *listen_arg);
    /* Input is waiting (ukstream_input); consume what was handled. Called again when more
     * arrives; once the peer has closed its side and a call consumes nothing, the stream
     * closes (the request can never complete). Not called while more than
     * UKSTREAM_OUT_HIGH bytes of output wait: a client that does not read stops being read. */
    void (*on_data)(struct ukstream *s, void *conn);
    /* The connection is gone (closed by either side, or reset): free `conn`. The stream is
     * freed right after. */
    void (*on_close)(struct ukstream *s, void *conn);
};

#define UKSTREAM_OUT_HIGH (256u * 1024u)

/* Listens on TCP port `port` of the NIC's address. 0, or -1 (printed). */
int ukstream_listen(uint16_t port, const struct ukstream_ops *ops, void *listen_arg);
/* The unconsumed input: at most one TCP window (lwIP's TCP_WND, 64,240 bytes) is ever
 * buffered, because the window opens only as input is consumed. */
const uint8_t *ukstream_input(struct ukstream *s, size_t *len);
/* True once the peer has closed its side: no more input will come. */
int ukstream_input_ended(const struct ukstream *s);
void ukstream_consume(struct ukstream *s, size_t n);
/* Queues len bytes (copied) for sending. 0, or -1 when out of memory (the connection is
 * then reset). */
int ukstream_write(struct ukstream *s, const void *data, size_t len);
/* Closes after the queued output is sent; on_close follows. */
void ukstream_close(struct ukstream *s);
/* Bytes queued and not yet handed to TCP. */
size_t ukstream_pending(const struct ukstream *s);

#ifdef __cplusplus
}
#endif
#endif
