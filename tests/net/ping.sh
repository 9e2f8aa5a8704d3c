#!/usr/bin/env bash
# examples/ping answers ping from the host: ARP, then ICMP echo, plain and flooded.
#   tests/net/ping.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd ping
add_tap tapp0 10.77.0.1/24
start_guest "$LOGDIR/guest" "answering" "$BUILD/ping" --net:service=tapp0 -- 10.77.0.2
cat "$LOGDIR/guest"
in_ns ping -c 3 -W 2 10.77.0.2 | tee "$LOGDIR/ping" || fail "ping -c 3 10.77.0.2"
grep -q "BAD CHECKSUM" "$LOGDIR/ping" && fail "ping saw bad checksums"
in_ns ping -q -f -c 500 -w 10 10.77.0.2 | tee "$LOGDIR/flood" | grep -q " 0% packet loss" ||
    { cat "$LOGDIR/flood"; fail "flood ping lost packets"; }
grep -E "packets|rtt" "$LOGDIR/flood"
in_ns ping -c 1 -W 2 -s 1472 -M do 10.77.0.2 >/dev/null || fail "a full-MTU (1500-byte) echo was not answered"
say "1500-byte echo request answered"
no_checksum_errors
guest_alive
echo PASS
