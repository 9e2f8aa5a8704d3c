#!/usr/bin/env bash
# examples/tcp-echo (the docs/network.md example): short messages, then 4 MiB sent while the
# client reads only afterwards in part (the guest must stop reading, not buffer without
# bound or drop), all echoed byte for byte; 20 connections at once.
#   tests/net/tcp_echo.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd python3
add_tap tape0 10.84.0.1/24
start_guest "$LOGDIR/guest" "echoing" "$BUILD/tcp-echo" --net:service=tape0 -- --ip=10.84.0.2/24
in_ns python3 - <<'PY' || fail "tcp echo"
import os, socket, threading, sys
addr = ("10.84.0.2", 7)
def echo(data):
    s = socket.create_connection(addr, timeout=10)
    got = bytearray()
    def reader():
        while len(got) < len(data):
            b = s.recv(65536)
            if not b:
                break
            got.extend(b)
    t = threading.Thread(target=reader)
    t.start()
    s.sendall(data)
    t.join(20)
    s.close()
    return bytes(got) == data
for n in (1, 100, 1460, 1461, 65536):
    if not echo(os.urandom(n)):
        sys.exit(f"FAIL: {n} bytes not echoed")
print("# 1 B .. 64 KiB echoed")
if not echo(os.urandom(4 << 20)):
    sys.exit("FAIL: 4 MiB not echoed")
print("# 4 MiB echoed byte for byte")
results = []
threads = [threading.Thread(target=lambda: results.append(echo(os.urandom(100000)))) for _ in range(20)]
[t.start() for t in threads]
[t.join(30) for t in threads]
if results.count(True) != 20:
    sys.exit(f"FAIL: {results.count(True)} of 20 concurrent connections echoed")
print("# 20 concurrent connections of 100 kB echoed")
PY
guest_alive
echo PASS
