#!/usr/bin/env bash
# examples/kv under redis-cli and redis-benchmark: the commands' answers as Redis gives them,
# protocol errors answered (not a crash), a short benchmark, and the data surviving both a
# kill (written out every 100 ms) and SHUTDOWN (written, then halt with status 0).
#   tests/net/kv.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd redis-cli
need_cmd redis-benchmark
add_tap tapk0 10.80.0.1/24
disk=$LOGDIR/kv.disk
truncate -s 16M "$disk"
start_kv() {
    start_guest "$LOGDIR/guest$1" "listening" "$BUILD/kv" --net:service=tapk0 --block:data="$disk" \
        -- --ip=10.80.0.2/24
}
r() { in_ns timeout 5 redis-cli -h 10.80.0.2 "$@"; }
expect() { # expect WANT redis-cli-args...
    local want=$1 got
    shift
    got=$(r "$@" 2>&1) || fail "redis-cli $* failed: $got"
    [ "$got" = "$want" ] || fail "redis-cli $*: got '$got', want '$want'"
}

start_kv 1
expect PONG PING
expect hello PING hello
expect OK SET greeting "hello world"
expect "hello world" GET greeting
expect "" GET missing
expect 1 INCR counter
expect 2 INCR counter
expect "ERR value is not an integer or out of range" INCR greeting
expect 1 EXISTS greeting
expect 2 EXISTS greeting counter
expect OK SET doomed x
expect 1 DEL doomed
expect 0 EXISTS doomed
expect "ERR unknown command" FLUSHALL
expect "ERR wrong number of arguments" GET
say "PING, GET, SET, DEL, INCR, EXISTS answer as Redis does"

in_ns python3 - <<'PY' || fail "protocol errors"
import socket, sys
for bad in [b"*-5\r\n", b"*1\r\n$99999999\r\n", b"*1\r\n+x\r\n", b"*2\r\n$3\r\nGET\r\n$1\r\nkXX", b"*99\r\n"]:
    s = socket.create_connection(("10.80.0.2", 6379), timeout=5)
    s.sendall(bad)
    reply = s.recv(200)
    s.close()
    if not reply.startswith(b"-ERR"):
        sys.exit(f"FAIL: {bad!r} got {reply!r}")
    print(f"# {bad!r}: {reply.strip().decode()}")
PY

# 300 connections of random bytes, some after a valid command: the server must survive.
in_ns python3 - <<'PY' || fail "random requests"
import os, random, socket
rng = random.Random(14)
for i in range(300):
    head = rng.choice([b"", b"*", b"*3\r\n$3\r\nSET\r\n", b"PING\r\n", b"*1\r\n$"])
    data = head + os.urandom(rng.choice([1, 10, 100, 1000, 70000]))
    try:
        s = socket.create_connection(("10.80.0.2", 6379), timeout=2)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)  # the server must then answer or close: no waiting
        while s.recv(65536):
            pass
    except OSError:
        pass  # no answer to an incomplete command is fine; a crash is not
    finally:
        s.close()
print("# 300 connections of random bytes sent")
PY
expect PONG PING

in_ns timeout 60 redis-benchmark -h 10.80.0.2 -c 10 -n 5000 -P 16 -t set,get,incr -q > "$LOGDIR/bench" 2>&1 \
    || { cat "$LOGDIR/bench"; fail "redis-benchmark failed"; }
grep -q "requests per second" "$LOGDIR/bench" || { cat "$LOGDIR/bench"; fail "redis-benchmark reported nothing"; }
say "redis-benchmark: $(tr '\r' '\n' < "$LOGDIR/bench" | grep 'requests per second' | tr '\n' ' ')"

# Killed: what was written 100 ms before the kill is on the disk.
expect OK SET survivor "kept across a kill"
sleep 0.5
kill "${GUEST_PIDS[-1]}"; wait "${GUEST_PIDS[-1]}" 2>/dev/null
start_kv 2
expect "kept across a kill" GET survivor
expect 2 GET counter
say "the data survived a kill and a restart"

# SHUTDOWN writes the log and halts with status 0.
expect OK SET last "written at shutdown"
r SHUTDOWN >/dev/null 2>&1
wait_guest 5
[ "$GUEST_CODE" = 0 ] || { cat "$LOGDIR/guest2"; fail "kv halted with $GUEST_CODE after SHUTDOWN"; }
start_kv 3
expect "written at shutdown" GET last
say "SHUTDOWN wrote the data and halted with status 0"
guest_alive
echo PASS
