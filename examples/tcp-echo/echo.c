/* tcp-echo: the smallest network unikernel, the one docs/network.md walks through. Every byte
 * received on TCP port 7 is sent back. Usage:
 *   tcp-echo --net:service=TAP -- --ip=A.B.C.D/PREFIX */
#include <stdio.h>
#include <ukmon/guest.h>
#include <ukmon/net.h>

UK_DECLARE_NET(service);

static void *on_accept(struct ukstream *s, void *listen_arg)
{
    (void)s;
    return listen_arg; /* per-connection state; non-NULL accepts */
}

static void on_data(struct ukstream *s, void *conn)
{
    (void)conn;
    size_t len;
    const uint8_t *in = ukstream_input(s, &len);
    ukstream_write(s, in, len);
    ukstream_consume(s, len);
}

static void on_close(struct ukstream *s, void *conn)
{
    (void)s;
    (void)conn;
}

static const struct ukstream_ops echo_ops = {on_accept, on_data, on_close};

int main(int argc, char **argv)
{
    static int state;
    if (uknet_init("service", &argc, &argv) != 0 || ukstream_listen(7, &echo_ops, &state) != 0)
        return 2;
    printf("tcp-echo: echoing TCP port 7 on %s\n", uknet_address());
    return uknet_run() == 0 ? 0 : 1;
}
