#!/usr/bin/env bash
# Every bad net attachment is refused before boot with exit 252 and ONE line on stderr that
# names the device and the problem; a missing TAP is never created.
#   tests/net/attach_errors.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
ping_exe=$BUILD/ping
two_exe=$BUILD/tests/bin/net_two_nics
add_tap tape0 10.77.0.1/24
add_tap tape1 10.77.1.1/24
in_ns ip tuntap add dev tune0 mode tun || fail "ip tuntap add tune0 mode tun"

# refused DESCRIPTION REGEX EXE ARGS...: exit 252, nothing on stdout, one stderr line matching REGEX.
refused() {
    local what=$1 regex=$2
    shift 2
    local out=$LOGDIR/out err=$LOGDIR/err code=0
    in_ns "$@" --backend="$BACKEND" >"$out" 2>"$err" || code=$?
    [ "$code" = 252 ] || { cat "$out" "$err"; fail "$what: exit $code, expected 252"; }
    [ ! -s "$out" ] || { cat "$out"; fail "$what: wrote to stdout"; }
    [ "$(wc -l <"$err")" = 1 ] || { cat "$err"; fail "$what: stderr is not one line"; }
    grep -Eq -- "$regex" "$err" || { cat "$err"; fail "$what: stderr does not match /$regex/"; }
    echo "ok - $what: $(cat "$err")"
}

refused "no such TAP" "net device 'service': no interface named 'nosuch0'" \
    "$ping_exe" --net:service=nosuch0 -- 10.77.0.2
in_ns ip link show nosuch0 >/dev/null 2>&1 && fail "the monitor created the missing TAP 'nosuch0'"
echo "ok - no interface 'nosuch0' was created"
refused "not attached" "net device 'service' is declared by the guest but not attached" "$ping_exe" -- 10.77.0.2
refused "second NIC not attached" "net device 'admin' is declared by the guest but not attached" \
    "$two_exe" --net:service=tape0 -- 10.77.0.2 10.77.1.2
refused "undeclared device" "'bogus'" "$ping_exe" --net:service=tape0 --net:bogus=tape1 -- 10.77.0.2
refused "MAC for an undeclared device" "'bogus'" \
    "$ping_exe" --net:service=tape0 --net-mac:bogus=02:00:00:00:00:01 -- 10.77.0.2
refused "attached twice" "net device 'service' is given twice" \
    "$ping_exe" --net:service=tape0 --net:service=tape1 -- 10.77.0.2
refused "two MACs" "net device 'service' is given twice" \
    "$ping_exe" --net:service=tape0 --net-mac:service=02:00:00:00:00:01 --net-mac:service=02:00:00:00:00:02
refused "bad MAC syntax" "net device 'service': bad MAC '02:00:00:00:00'" \
    "$ping_exe" --net:service=tape0 --net-mac:service=02:00:00:00:00 -- 10.77.0.2
refused "MAC with a bad digit" "net device 'service': bad MAC" \
    "$ping_exe" --net:service=tape0 --net-mac:service=02:00:00:00:00:0g -- 10.77.0.2
refused "multicast MAC" "net device 'service': MAC '01:00:5e:00:00:01' is a multicast address" \
    "$ping_exe" --net:service=tape0 --net-mac:service=01:00:5e:00:00:01 -- 10.77.0.2
refused "all-zero MAC" "net device 'service': MAC '00:00:00:00:00:00' is all zeros" \
    "$ping_exe" --net:service=tape0 --net-mac:service=00:00:00:00:00:00 -- 10.77.0.2
refused "empty TAP name" "option '--net:service=' has no value" "$ping_exe" --net:service= -- 10.77.0.2
refused "TAP name too long" "TAP name 'abcdefghijklmnop' is longer than the 15 characters" \
    "$ping_exe" --net:service=abcdefghijklmnop -- 10.77.0.2
refused "TAP name with a slash" "TAP name 'tap/0' has a character" "$ping_exe" --net:service=tap/0 -- 10.77.0.2
refused "one TAP for two devices" "net devices '(service|admin)' and '(service|admin)' both name TAP 'tape0'" \
    "$two_exe" --net:service=tape0 --net:admin=tape0 -- 10.77.0.2 10.77.1.2
refused "not a TAP (loopback)" "net device 'service': 'lo' is not a single-queue TAP" \
    "$ping_exe" --net:service=lo -- 10.77.0.2
refused "a TUN, not a TAP" "net device 'service': 'tune0' is not a single-queue TAP" \
    "$ping_exe" --net:service=tune0 -- 10.77.0.2

start_guest "$LOGDIR/guest" "answering" "$ping_exe" --net:service=tape0 -- 10.77.0.2
refused "TAP in use" "net device 'service': TAP 'tape0' is in use by another process" \
    "$ping_exe" --net:service=tape0 -- 10.77.0.3
guest_alive

if command -v setpriv >/dev/null; then
    cp "$ping_exe" "$LOGDIR/ping" && chmod 755 "$LOGDIR" "$LOGDIR/ping"
    refused "no permission" "net device 'service': cannot open /dev/net/tun: Permission denied" \
        setpriv --reuid=65534 --regid=65534 --clear-groups "$LOGDIR/ping" --net:service=tape1 -- 10.77.1.2
else
    echo "SKIP: no permission case: no setpriv"
fi

"$ping_exe" --help | grep -q -- "--net:NAME=TAP" || fail "--help lacks --net:NAME=TAP"
"$ping_exe" --help | grep -q -- "--net-mac:NAME=MAC" || fail "--help lacks --net-mac:NAME=MAC"
echo "ok - --help lists --net and --net-mac"
echo PASS
