# Shared by the tests/net scripts (source it): a throw-away network namespace with TAPs in
# it, guests started inside it, and cleanup on every exit. ALL traffic stays inside the
# namespace; the host's own interfaces are never touched.
#   usage in a script:  . "$(dirname "$0")/lib.sh" "$@"     (args: BUILD BACKEND)
# Exit codes: 0 pass, 1 fail (a "FAIL: ..." line says why), 77 skip ("SKIP: ..." line).
set -u

BUILD=${1:?usage: $0 BUILD BACKEND}
BACKEND=${2:?usage: $0 BUILD BACKEND}
NS=ukmon-test-$$
LOGDIR=$(mktemp -d /tmp/ukmon-net-XXXXXX)
GUEST_PIDS=()
NS_CREATED=0

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
say() { echo "# $*"; }

cleanup() {
    local pid
    for pid in ${GUEST_PIDS[@]+"${GUEST_PIDS[@]}"}; do
        kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    if [ "$NS_CREATED" = 1 ]; then
        # Anything else still inside our namespace (it would keep the namespace alive).
        for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        ip netns del "$NS" 2>/dev/null
    fi
    rm -rf "$LOGDIR"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Skips unless this host can run the tests: root, ip netns, /dev/net/tun, the backend.
need_netns() {
    [ "$(id -u)" = 0 ] || skip "needs root for ip netns and TAP devices"
    command -v ip >/dev/null || skip "no 'ip' command (iproute2)"
    [ -c /dev/net/tun ] || skip "no /dev/net/tun"
    [ -x "$BUILD/hello" ] || fail "$BUILD/hello is not built"
    local why
    if ! why=$("$BUILD/hello" --backend="$BACKEND" 2>&1 >/dev/null); then
        case "$why" in
            *"not built yet"* | *"/dev/kvm"*) skip "backend $BACKEND: $why" ;;
            *) fail "hello does not run on $BACKEND: $why" ;;
        esac
    fi
    sweep_stale_namespaces
    ip netns add "$NS" 2>"$LOGDIR/netns.err" || skip "ip netns add failed: $(head -n 1 "$LOGDIR/netns.err")"
    NS_CREATED=1
    in_ns ip link set lo up
}

# Namespaces of earlier runs killed before their cleanup (e.g. SIGKILL at a test deadline):
# ours are named ukmon-test-PID, and a dead PID's namespace (with any guest left in it) is
# garbage.
sweep_stale_namespaces() {
    local ns pid
    for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^ukmon-test-[0-9]+$/ {print $1}'); do
        kill -0 "${ns#ukmon-test-}" 2>/dev/null && continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
        ip netns del "$ns" 2>/dev/null
    done
}

need_cmd() { command -v "$1" >/dev/null || skip "no '$1' command"; }

in_ns() { ip netns exec "$NS" "$@"; }

# add_tap NAME HOST-ADDR/PREFIX [MTU]: a TAP inside the namespace, host side addressed, up.
# IPv6 is off on it so the host sends nothing the test did not ask for.
add_tap() {
    in_ns ip tuntap add dev "$1" mode tap || fail "ip tuntap add $1"
    in_ns sysctl -q -w "net.ipv6.conf.$1.disable_ipv6=1" >/dev/null || true
    [ $# -ge 3 ] && { in_ns ip link set "$1" mtu "$3" || fail "mtu $3 on $1"; }
    in_ns ip addr add "$2" dev "$1" || fail "address $2 on $1"
    in_ns ip link set "$1" up || fail "link up $1"
}

# start_guest LOG PATTERN EXE ARGS...: runs EXE --backend=BACKEND ARGS inside the namespace
# in the background, output to LOG; waits up to 5 s for a line matching PATTERN.
start_guest() {
    local log=$1 pattern=$2 exe=$3
    shift 3
    : >"$log"
    # Not through in_ns: a function would run in a subshell, and $! would not be the guest.
    # ip netns exec execs the command, so $! is the guest's own pid.
    ip netns exec "$NS" "$exe" --backend="$BACKEND" "$@" >"$log" 2>&1 &
    GUEST_PIDS+=($!)
    local pid=$! i
    for i in $(seq 50); do
        grep -q -- "$pattern" "$log" && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log"; fail "$(basename "$exe") exited before '$pattern'"; }
        sleep 0.1
    done
    cat "$log"
    fail "$(basename "$exe") did not print '$pattern' within 5 s"
}

# wait_guest SECONDS: waits for the guest started last to end by itself; sets GUEST_CODE.
wait_guest() {
    local pid=${GUEST_PIDS[-1]} i
    for i in $(seq $(($1 * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && fail "the guest did not finish within $1 s"
    GUEST_CODE=0
    wait "$pid" || GUEST_CODE=$?
}

# The guest started last must still be running (it answers until killed).
guest_alive() { kill -0 "${GUEST_PIDS[-1]}" 2>/dev/null || fail "the guest died"; }

# udp_echo_check ADDR PORT SIZES...: one datagram of each size (random bytes, NULs
# included) from inside the namespace; each echo must come back from ADDR:PORT byte for
# byte. Then a burst of 200 sent before any is read: all must come back.
udp_echo_check() {
    in_ns python3 - "$@" <<'PY'
import os, socket, sys
addr, port, sizes = sys.argv[1], int(sys.argv[2]), [int(s) for s in sys.argv[3:]]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.settimeout(3)
for n in sizes:
    data = os.urandom(n)
    s.sendto(data, (addr, port))
    got, peer = s.recvfrom(65536)
    if got != data or peer != (addr, port):
        sys.exit(f"FAIL: {n}-byte datagram: echo differs ({len(got)} bytes from {peer})")
    print(f"# {n}-byte datagram echoed byte for byte")
burst = [os.urandom(64) + i.to_bytes(4, "big") for i in range(200)]
for d in burst:
    s.sendto(d, (addr, port))
echoed = set()
try:
    while len(echoed) < len(burst):
        echoed.add(s.recvfrom(65536)[0])
except socket.timeout:
    pass
if echoed != set(burst):
    sys.exit(f"FAIL: burst of {len(burst)} datagrams: {len(echoed & set(burst))} echoed")
print(f"# burst of {len(burst)} datagrams: all echoed")
PY
}

# The kernel drops IPv4, ICMP and UDP with bad checksums and counts them: none may be counted.
no_checksum_errors() {
    local bad
    bad=$(in_ns awk '$1 == p && $1 ~ /^(Ip|Icmp|Udp):$/ {
                         for (i = 2; i <= NF; i++) if (h[i] ~ /CsumErrors|InHdrErrors/ && $i != 0) print $1 h[i] "=" $i
                     }
                     {p = $1; for (i = 2; i <= NF; i++) h[i] = $i}' /proc/net/snmp)
    [ -z "$bad" ] || fail "the namespace counted bad checksums: $bad"
    say "no IPv4/ICMP/UDP checksum or header errors counted"
}
