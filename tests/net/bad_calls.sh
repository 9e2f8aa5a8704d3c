#!/usr/bin/env bash
# tests/guests/net_bad_calls: bad handles, lengths, pointers and batch sizes get an error
# status, never a monitor crash; a frame longer than the reader's buffer is refused and
# dropped; an argument struct outside guest memory ends the run (exit 255).
#   tests/net/bad_calls.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd python3
exe=$BUILD/tests/bin/net_bad_calls
disk=$LOGDIR/disk
truncate -s 64K "$disk"
add_tap tapc0 10.77.3.1/24 1400
mac=02:00:00:00:00:42
in_ns ip neigh replace 10.77.3.2 lladdr $mac dev tapc0 nud permanent || fail "static neighbour"
start_guest "$LOGDIR/guest" "ready for frames" "$exe" --net:service=tapc0 --net-mac:service=$mac \
    --block:disk="$disk" -- 1400 $mac
# Four datagrams: frames of 142, 100, 101 and 43 bytes (14 + 20 + 8 + payload).
in_ns python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in (100, 58, 59, 1):
    s.sendto(bytes(n), ("10.77.3.2", 9))
' || fail "sending the test frames"
wait_guest 10
cat "$LOGDIR/guest"
grep -q "^not ok" "$LOGDIR/guest" && fail "some checks failed"
[ "$GUEST_CODE" = 0 ] || fail "net_bad_calls exited $GUEST_CODE"

code=0
in_ns "$exe" --backend="$BACKEND" --net:service=tapc0 --block:disk="$disk" -- fault >"$LOGDIR/fault" 2>&1 || code=$?
cat "$LOGDIR/fault"
[ "$code" = 255 ] || fail "a netwrite argument outside memory: exit $code, expected 255"
grep -Eq "netwrite.*outside guest memory" "$LOGDIR/fault" || fail "the diagnosis does not name netwrite and the bad address"
echo "ok - a netwrite argument outside guest memory ends the run (exit 255)"
echo PASS
