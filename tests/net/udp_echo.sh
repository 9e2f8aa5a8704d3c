#!/usr/bin/env bash
# examples/udp-echo returns every datagram to its sender byte for byte, checksums right.
#   tests/net/udp_echo.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd python3
add_tap tapu0 10.77.0.1/24
start_guest "$LOGDIR/guest" "echoing" "$BUILD/udp-echo" --net:service=tapu0 -- 10.77.0.2 7777
cat "$LOGDIR/guest"
udp_echo_check 10.77.0.2 7777 0 1 2 7 64 100 1000 1472 || fail "udp echo"
no_checksum_errors
guest_alive
echo PASS
