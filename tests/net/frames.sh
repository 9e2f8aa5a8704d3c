#!/usr/bin/env bash
# tests/guests/net_frames: the guest library's net calls as a guest sees them. Under kvm they
# go through the net ring (sends queued and taken later, uk_poll reading ahead); under seccomp
# they are direct calls. Both must give the same: every frame sent leaves, in order, even
# when the guest halts at once or computes without a call; frames read come whole and in
# order, and one too long for its buffer is refused and dropped; the poll-and-read hypercall
# answers bad arguments with a status and loses no frame.
#   tests/net/frames.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd python3
exe=$BUILD/tests/bin/net_frames
add_tap tapf0 10.77.10.1/24 1500
guest_mac=02:00:00:00:10:02

# capture OUT N SECONDS: frames of EtherType 0x88b5 arriving on tapf0 from the guest, one
# line each: "SEQ LEN OK|BAD ARRIVAL" (the payload checked as net_frames makes it; ARRIVAL is
# the wall clock), until N came or SECONDS passed. Prints "listening" to OUT.ready first.
capture() {
    in_ns python3 - "$@" <<'PY' &
import socket, struct, sys, time
out, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x88b5))
s.bind(("tapf0", 0x88b5))
s.settimeout(0.2)
open(out + ".ready", "w").write("listening\n")
lines, end = [], time.time() + seconds
while len(lines) < n and time.time() < end:
    try:
        f, addr = s.recvfrom(65536)
    except socket.timeout:
        continue
    if addr[2] == socket.PACKET_OUTGOING:
        continue
    seq = struct.unpack("<I", f[14:18])[0]
    want = bytes((seq + i) & 0xff for i in range(18, 60 + seq % 100))
    ok = len(f) == 60 + seq % 100 and f[18:] == want
    lines.append(f"{seq} {len(f)} {'OK' if ok else 'BAD'} {time.time():.6f}")
open(out, "w").write("".join(l + "\n" for l in lines))
PY
    CAPTURE_PID=$!
    local i
    for i in $(seq 50); do [ -f "$1.ready" ] && return 0; sleep 0.1; done
    fail "the capture did not start"
}

# send_frames N: frames 0..N-1 from the host to the guest's MAC, made as net_frames makes them.
send_frames() {
    in_ns python3 - "$guest_mac" "$1" <<'PY' || fail "sending $1 frame(s) to the guest"
import socket, struct, sys
dst, n = bytes.fromhex(sys.argv[1].replace(":", "")), int(sys.argv[2])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("tapf0", 0))
src = s.getsockname()[4]
for seq in range(n):
    body = struct.pack("<I", seq) + bytes((seq + i) & 0xff for i in range(18, 60 + seq % 100))
    s.send(dst + src + b"\x88\xb5" + body)
PY
}

# Frames sent, then an immediate halt: all leave, in order, whole.
capture "$LOGDIR/burst" 200 10
code=0
in_ns "$exe" --backend="$BACKEND" --net:service=tapf0 -- burst 200 >"$LOGDIR/burst.guest" 2>&1 || code=$?
wait "$CAPTURE_PID"
[ "$code" = 0 ] || { cat "$LOGDIR/burst.guest"; fail "burst: the guest exited $code"; }
got=$(awk '{print $1}' "$LOGDIR/burst" | tr '\n' ' ')
[ "$got" = "$(seq -s ' ' 0 199) " ] || fail "burst then halt: frames seen: ${got:0:200}... (want 0..199 in order)"
grep -q BAD "$LOGDIR/burst" && fail "burst: a frame arrived changed: $(grep -m1 BAD "$LOGDIR/burst")"
echo "ok - 200 frames sent (uk_netwrite and uk_netwritev) then halt at once: all 200 left, in order, whole"

# A frame sent, then 1.5 s of computing without a call, twice (after 50 ms and after 300 ms
# without a net call): each leaves long before the computing ends.
capture "$LOGDIR/spin" 3 10
code=0
in_ns "$exe" --backend="$BACKEND" --net:service=tapf0 -- spin 1500 >"$LOGDIR/spin.guest" 2>&1 || code=$?
ended=$(date +%s.%N)
wait "$CAPTURE_PID"
[ "$code" = 0 ] || { cat "$LOGDIR/spin.guest"; fail "spin: the guest exited $code"; }
[ "$(awk '{print $1}' "$LOGDIR/spin" | tr '\n' ' ')" = "0 1 2 " ] || fail "spin: frames seen: $(awk '{print $1}' "$LOGDIR/spin" | tr '\n' ' ')"
t1=$(awk '$1 == 1 {print $4}' "$LOGDIR/spin")
t2=$(awk '$1 == 2 {print $4}' "$LOGDIR/spin")
gaps=$(awk -v a="$t1" -v b="$t2" -v e="$ended" 'BEGIN {printf "%.2f %.2f", b - a, e - b}')
awk -v g="$gaps" 'BEGIN {split(g, x, " "); exit !(x[1] >= 1.0 && x[2] >= 1.0)}' ||
    fail "spin: frames 1 and 2 left $gaps s before the next frame / the end (each was followed by 1.5 s of computing)"
echo "ok - frames sent before 1.5 s of computing without a call left at once (then $gaps s of computing)"

# Reads: twelve frames from the host; the guest reads them one call at a time.
start_guest "$LOGDIR/reads" "^ready" "$exe" --net:service=tapf0 --net-mac:service=$guest_mac -- reads 12
send_frames 12
wait_guest 10
cat "$LOGDIR/reads"
[ "$GUEST_CODE" = 0 ] || fail "reads: the guest exited $GUEST_CODE"
got=$(sed -n 's/^readv\{0,1\}: \(status 0 \)\{0,1\}seq \([0-9]*\) len \([0-9]*\)$/\2:\3/p; s/^read small: \(.*\) len \(.*\)/small:\1:\2/p' "$LOGDIR/reads" | tr '\n' ' ')
want="0:60 1:61 2:62 small:EINVAL:0 4:64 5:65 6:66 7:67 8:68 9:69 10:70 11:71 "
[ "$got" = "$want" ] || fail "reads: got '$got', want '$want'"
echo "ok - twelve frames read whole and in order; the one too long for its buffer refused (EINVAL) and dropped"

# The poll-and-read hypercall with bad arguments, while a frame waits.
start_guest "$LOGDIR/netpoll" "^ready" "$exe" --net:service=tapf0 --net-mac:service=$guest_mac -- netpoll
send_frames 1
wait_guest 10
cat "$LOGDIR/netpoll"
grep -q "^not ok" "$LOGDIR/netpoll" && fail "netpoll: some checks failed"
[ "$GUEST_CODE" = 0 ] || fail "netpoll: the guest exited $GUEST_CODE"

# Idle: one frame, then two seconds asleep in uk_poll. The ring's thread dozes, then sleeps;
# the poll stops looking without sleeping once a wait slept. Spinning would cost about a CPU
# second per second; the bound is loose: only a spin can break it.
if [ -x /usr/bin/time ]; then
    in_ns /usr/bin/time -f "cpu %U %S" "$exe" --backend="$BACKEND" --net:service=tapf0 -- idle 2000 >"$LOGDIR/idle" 2>&1 ||
        { cat "$LOGDIR/idle"; fail "idle: the guest failed"; }
    cpu=$(awk '/^cpu / {print $2 + $3}' "$LOGDIR/idle")
    awk -v c="$cpu" 'BEGIN {exit !(c < 0.5)}' || fail "idle: $cpu s of CPU in 2 s asleep in uk_poll: something spins"
    echo "ok - a guest asleep in uk_poll for 2 s after a frame cost $cpu s of CPU"
else
    echo "SKIP: idle CPU check: /usr/bin/time is missing"
fi
echo PASS
