#!/usr/bin/env bash
# examples/iperf against Debian's iperf (2.x) client: a 2-second TCP test must finish, with
# the client and the guest both reporting a non-zero rate; then a second test on the same
# server (it keeps listening).
#   tests/net/iperf.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd iperf
add_tap tapi0 10.79.0.1/24
start_guest "$LOGDIR/guest" "listening" "$BUILD/iperf" --net:service=tapi0 -- --ip=10.79.0.2/24
cat "$LOGDIR/guest"
for run in 1 2; do
    in_ns timeout 20 iperf -c 10.79.0.2 -t 2 -f m > "$LOGDIR/client" 2>&1 || { cat "$LOGDIR/client"; fail "iperf client run $run failed"; }
    rate=$(grep -oE '[0-9.]+ Mbits/sec' "$LOGDIR/client" | tail -n 1)
    [ -n "$rate" ] && [ "${rate%% *}" != "0.00" ] || { cat "$LOGDIR/client"; fail "run $run: no rate reported"; }
    for i in $(seq 50); do
        [ "$(grep -c 'iperf: done' "$LOGDIR/guest")" -ge "$run" ] && break
        sleep 0.1
    done
    [ "$(grep -c 'iperf: done' "$LOGDIR/guest")" -ge "$run" ] || { cat "$LOGDIR/guest"; fail "run $run: the guest reported no finished test"; }
    say "run $run: client measured $rate; guest: $(grep 'iperf: done' "$LOGDIR/guest" | tail -n 1)"
done
guest_alive
echo PASS
