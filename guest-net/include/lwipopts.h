/* lwIP configuration for ukmon guests: IPv4 (ARP, ICMP, UDP, TCP) on one NIC, NO_SYS=1 (one
 * thread, raw/callback API, the guest's loop calls the timers), sized for servers that keep
 * tens of connections busy. See docs/network.md. */
#ifndef UKMON_LWIPOPTS_H
#define UKMON_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_TIMERS 1

#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_RAW 0
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define IP_REASSEMBLY 0
#define IP_FRAG 0
#define LWIP_STATS 0
#define LWIP_NETIF_HOSTNAME 0
#define ETHARP_SUPPORT_STATIC_ENTRIES 0

/* Memory: lwIP's heap is newlib's malloc; pools are static. */
#define MEM_LIBC_MALLOC 1
#define MEM_ALIGNMENT 8
#define MEMP_NUM_PBUF 512
#define MEMP_NUM_TCP_PCB 256
#define MEMP_NUM_TCP_PCB_LISTEN 8
#define MEMP_NUM_TCP_SEG 4096
#define MEMP_NUM_SYS_TIMEOUT 16
#define MEMP_NUM_UDP_PCB 8
#define PBUF_POOL_SIZE 1024
/* One received Ethernet frame (1514 bytes) fits one pool pbuf: the NIC reads into it. */
#define PBUF_POOL_BUFSIZE 1536

/* TCP: a 1460-byte MSS and a window of 44 segments (lwIP's 16-bit window, no scaling). */
#define TCP_MSS 1460
#define TCP_WND (44 * TCP_MSS)
#define TCP_SND_BUF (44 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define TCP_LISTEN_BACKLOG 0
#define LWIP_WND_SCALE 0
#define LWIP_TCP_TIMESTAMPS 0

#define LWIP_NETIF_STATUS_CALLBACK 0
#define LWIP_NETIF_LINK_CALLBACK 0
#define LWIP_SINGLE_NETIF 1

/* Checksums are computed and checked in software (the TAP gives no offload). */
#define LWIP_CHKSUM_ALGORITHM 3

/* lwiperf (examples/iperf) */
#define LWIP_CALLBACK_API 1

#endif
