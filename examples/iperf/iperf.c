/* iperf: an iperf2-compatible TCP server (lwIP's lwiperf app) on port 5001. Each finished
 * test prints one line: bytes, milliseconds, Kbit/s. Usage:
 *   iperf --net:service=TAP -- --ip=A.B.C.D/PREFIX [--gw=A.B.C.D] */
#include <stdio.h>
#include <ukmon/guest.h>
#include <ukmon/net.h>

#include "lwip/apps/lwiperf.h"

UK_DECLARE_NET(service);

static const char *report_name(enum lwiperf_report_type t)
{
    switch (t) {
    case LWIPERF_TCP_DONE_SERVER: return "done";
    case LWIPERF_TCP_ABORTED_LOCAL: return "aborted here";
    case LWIPERF_TCP_ABORTED_LOCAL_DATAERROR: return "aborted: data error";
    case LWIPERF_TCP_ABORTED_LOCAL_TXERROR: return "aborted: send error";
    case LWIPERF_TCP_ABORTED_REMOTE: return "aborted by the client";
    default: return "other";
    }
}

static void report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr,
                   u16_t local_port, const ip_addr_t *remote_addr, u16_t remote_port,
                   u32_t bytes_transferred, u32_t ms_duration, u32_t bandwidth_kbitpsec)
{
    (void)arg;
    (void)local_addr;
    (void)local_port;
    printf("iperf: %s: %s:%u, %lu bytes in %lu ms, %lu Kbit/s\n", report_name(type),
           ipaddr_ntoa(remote_addr), remote_port, (unsigned long)bytes_transferred,
           (unsigned long)ms_duration, (unsigned long)bandwidth_kbitpsec);
}

int main(int argc, char **argv)
{
    if (uknet_init("service", &argc, &argv) != 0)
        return 2;
    if (argc > 1) {
        printf("iperf: bad argument '%s' (usage: --ip=A.B.C.D/PREFIX [--gw=A.B.C.D])\n", argv[1]);
        return 2;
    }
    if (!lwiperf_start_tcp_server_default(report, NULL)) {
        printf("iperf: cannot listen on port %d\n", LWIPERF_TCP_PORT_DEFAULT);
        return 2;
    }
    printf("iperf: listening on %s:%d\n", uknet_address(), LWIPERF_TCP_PORT_DEFAULT);
    int r = uknet_run();
    printf("iperf: network error %d\n", r);
    return 1;
}
