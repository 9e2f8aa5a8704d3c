#!/usr/bin/env bash
# tests/guests/net_two_nics: two NICs at once, each with its own TAP, MTU, MAC and address.
#   tests/net/two_nics.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd ping
add_tap tapa0 10.77.1.1/24
add_tap tapb0 10.77.2.1/24 1280
exe=$BUILD/tests/bin/net_two_nics
start_guest "$LOGDIR/guest" "answering on both" "$exe" --net:service=tapa0 --net:admin=tapb0 \
    --net-mac:admin=02:aa:bb:cc:dd:ee -- 10.77.1.2 10.77.2.2
cat "$LOGDIR/guest"
grep -q "^admin: mac 02:aa:bb:cc:dd:ee mtu 1280 " "$LOGDIR/guest" || fail "admin's MAC or MTU is not the one given"
grep -q "^service: mac .* mtu 1500 " "$LOGDIR/guest" || fail "service's MTU is not 1500"
ip netns exec "$NS" ping -c 5 -i 0.2 -W 2 10.77.1.2 >"$LOGDIR/p1" & p1=$!
ip netns exec "$NS" ping -c 5 -i 0.2 -W 2 10.77.2.2 >"$LOGDIR/p2" & p2=$!
wait $p1 || { cat "$LOGDIR/p1"; fail "ping via service (tapa0)"; }
wait $p2 || { cat "$LOGDIR/p2"; fail "ping via admin (tapb0)"; }
grep -h "packets" "$LOGDIR/p1" "$LOGDIR/p2"
in_ns ip neigh show 10.77.2.2 dev tapb0 | grep -q "02:aa:bb:cc:dd:ee" || fail "10.77.2.2 is not at 02:aa:bb:cc:dd:ee"
say "10.77.2.2 answers from the MAC given with --net-mac"
guest_alive
echo PASS
