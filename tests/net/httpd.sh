#!/usr/bin/env bash
# examples/httpd under curl: the index and a file from the tar disk byte for byte, the
# dynamic /status page, keep-alive (several requests on one connection), 404, and 4xx for
# malformed and oversized requests, after which the server still answers.
#   tests/net/httpd.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd curl
need_cmd python3
add_tap taph0 10.78.0.1/24

site=$LOGDIR/site
mkdir -p "$site/docs"
printf '<html><body>hello from ukmon</body></html>\n' > "$site/index.html"
head -c 300000 /dev/urandom > "$site/docs/blob.bin"
(cd "$site" && tar cf "$LOGDIR/site.tar" index.html docs)

# Bad configuration: one line naming the problem, exit status 2, before anything is served.
bad_config() { # bad_config EXPECTED-TEXT GUEST-ARGS...
    local want=$1 out code=0
    shift
    out=$(in_ns "$BUILD/httpd" --backend="$BACKEND" --net:service=taph0 --block-ro:site="$LOGDIR/site.tar" -- "$@" 2>&1) || code=$?
    [ "$code" = 2 ] || fail "httpd $* exited with $code, want 2: $out"
    [ "$(wc -l <<<"$out")" = 1 ] && grep -q -- "$want" <<<"$out" || fail "httpd $*: want one line with '$want', got: $out"
}
bad_config "no address" --port=8080
bad_config "bad --ip" --ip=10.78.0.300/24
bad_config "bad --ip prefix" --ip=10.78.0.2/33
bad_config "bad --mask" --ip=10.78.0.2 --mask=255.0.255.0
bad_config "not on the network" --ip=10.78.0.2/24 --gw=10.99.0.1
bad_config "bad argument" --ip=10.78.0.2/24 --port=0
say "bad --ip, --mask, --gw and --port: one line each and status 2"

start_guest "$LOGDIR/guest" "serving" "$BUILD/httpd" --net:service=taph0 \
    --block-ro:site="$LOGDIR/site.tar" -- --ip=10.78.0.2/24 --port=8080
cat "$LOGDIR/guest"
url=http://10.78.0.2:8080
c() { in_ns curl -sS --max-time 5 "$@"; }

got=$(c "$url/") || fail "GET / failed"
[ "$got" = "$(cat "$site/index.html")" ] || fail "GET / returned '$got'"
say "GET / returned index.html"

c -o "$LOGDIR/blob" "$url/docs/blob.bin" || fail "GET /docs/blob.bin failed"
cmp -s "$LOGDIR/blob" "$site/docs/blob.bin" || fail "the 300,000-byte file differs"
say "GET /docs/blob.bin: 300,000 bytes, byte for byte"

c "$url/status" | grep -q "requests" || fail "/status has no request count"
say "/status answers"

# Keep-alive: curl reuses one connection for several URLs and says so.
c -v "$url/" "$url/index.html" "$url/status" -o /dev/null -o /dev/null -o /dev/null 2>"$LOGDIR/ka" \
    || fail "three requests on one connection failed"
grep -q "Re-using existing connection" "$LOGDIR/ka" || { cat "$LOGDIR/ka"; fail "curl did not reuse the connection"; }
say "keep-alive: three requests on one connection"

code() { c -o /dev/null -w '%{http_code}' "$@"; }
[ "$(code "$url/nope.html")" = 404 ] || fail "a missing file is not a 404"
[ "$(code -X POST -d x=1 "$url/")" = 405 ] || fail "POST is not a 405"
[ "$(code -H "X-Big: $(head -c 9000 /dev/zero | tr '\0' a)" "$url/")" = 431 ] || fail "a 9 KB header is not a 431"
say "404 for a missing file, 405 for POST, 431 for a 9 KB header"

# Raw malformed requests: each must get a 4xx status line (or 505), never silence or a crash.
in_ns python3 - 10.78.0.2 8080 <<'PY' || fail "malformed requests"
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
cases = [b"GARBAGE\r\n\r\n", b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET nopath HTTP/1.1\r\n\r\n",
         b"GET / HTTP/1.1\r\n\r\n", b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
         b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", b"A" * 20000]
for req in cases:
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(req)
    reply = s.recv(200)
    s.close()
    status = reply.split(b" ")[1] if reply.startswith(b"HTTP/1.1 ") else b"none"
    if not (status.startswith(b"4") or status == b"505"):
        sys.exit(f"FAIL: {req[:40]!r} got {reply[:60]!r}")
    print(f"# {req[:30]!r}: {status.decode()}")
PY

# 300 connections of random bytes (some starting like a request): whatever the answer, the
# server must survive them all.
in_ns python3 - 10.78.0.2 8080 <<'PY' || fail "random requests"
import os, random, socket, sys
rng = random.Random(14)
for i in range(300):
    head = rng.choice([b"", b"GET /", b"GET / HTTP/1.1\r\n", b"HEAD /status HTTP/1.0\r\n"])
    data = head + os.urandom(rng.choice([1, 10, 100, 1000, 9000]))
    if rng.random() < 0.5:
        data += b"\r\n\r\n"
    try:
        s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2)
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)  # the server must then answer or close: no waiting
        while s.recv(65536):
            pass
    except OSError:
        pass  # a reset or no answer for an incomplete request is fine; a crash is not
    finally:
        s.close()
print("# 300 connections of random bytes sent")
PY
[ "$(code "$url/")" = 200 ] || fail "the server stopped answering after the bad requests"
guest_alive
echo PASS
