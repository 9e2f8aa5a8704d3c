#!/usr/bin/env bash
# Pod networking: the image of udp-echo made with `ukbake --oci --podnet` runs under runc in a
# pod-like network namespace (eth0 on a bridge, MTU 1400, a default gateway), all made by
# the test. ukmon-podnet wires a TAP to eth0 and gives the guest eth0's address, MAC and
# MTU: udp-echo answers on the pod's own IP from the "node" and from another "pod" on the
# bridge, and the ping example answers in a third pod; when the container is stopped the
# TAP and the redirects are gone. No traffic
# leaves the namespaces made here.
#   tests/deploy/pod_net.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static udp-echo
need_static ping
need_root
need_cmd umoci runc ip tc python3 ping
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
[ -f /usr/share/containers/seccomp.json ] || skip "no /usr/share/containers/seccomp.json (containers-common)"
[ -x "$BUILD/bin/ukmon-podnet" ] || fail "$BUILD/bin/ukmon-podnet is not built"

node=ukmon-pn-node-$$ pod=ukmon-pn-pod-$$ peer=ukmon-pn-peer-$$ pingpod=ukmon-pn-ping-$$
for ns in $node $pod $peer $pingpod; do
    ip netns add "$ns" || skip "ip netns add failed"
    CLEANUPS+=("for p in \$(ip netns pids $ns); do kill -9 \$p; done; ip netns del $ns")
    ip netns exec "$ns" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip -n "$ns" link set lo up
done
# The node: a bridge with the gateway address; each pod: eth0 on it, as a CNI would make it.
ip -n $node link add br0 type bridge
ip -n $node addr add 10.89.0.1/24 dev br0
ip -n $node link set br0 up
plug() {  # plug NS ADDR
    ip -n $node link add "v$2" type veth peer name eth0 netns "$1"
    ip -n $node link set "v$2" mtu 1400 master br0 up
    ip -n "$1" link set eth0 mtu 1400 up
    ip -n "$1" addr add "10.89.0.$2/24" dev eth0
    ip -n "$1" route add default via 10.89.0.1
}
plug $pod 2
plug $peer 3
mac=$(ip -n $pod -o link show eth0 | sed -nE 's/.*link\/ether ([0-9a-f:]+).*/\1/p')

# start NAME NS ARG...: the image of NAME (made with --podnet) under runc in the pod NS, in
# the background; waits for the guest's line saying it answers. Sets CPID and ID.
start() {
    local name=$1 ns=$2 i
    shift 2
    image "$name" --podnet
    umoci unpack --image "$T/img-$name:$name" "$T/bundle-$name" >/dev/null 2>&1 || fail "umoci unpack $name"
    # --cap before --seccomp: the profile's rules depend on the capabilities.
    python3 "$ROOT/tests/deploy/oci_bundle.py" "$T/bundle-$name/config.json" --cap CAP_NET_ADMIN \
        --netns "/run/netns/$ns" --device /dev/net/tun --seccomp /usr/share/containers/seccomp.json \
        -- "$@" || fail "bundle config $name"
    ID=ukmon-pn-$name-$$
    runc --root "$T/runc" run --bundle "$T/bundle-$name" "$ID" >"$T/$name.log" 2>&1 &
    CPID=$!
    CLEANUPS=("runc --root $T/runc kill $ID KILL; runc --root $T/runc delete -f $ID" "${CLEANUPS[@]}")
    for i in $(seq 50); do
        grep -qE "echoing|answering" "$T/$name.log" && return 0
        kill -0 $CPID 2>/dev/null || { cat "$T/$name.log"; fail "$name's container ended before its guest answered"; }
        sleep 0.1
    done
    cat "$T/$name.log"
    fail "$name did not start within 5 s"
}
start udp-echo $pod -- '{ip}' 7777
id=$ID cpid=$CPID
mv "$T/udp-echo.log" "$T/guest"
sed 's/^/  | /' "$T/guest"
grep -qxF "service: mac $mac mtu 1400 ip 10.89.0.2" "$T/guest" || fail "the guest did not get eth0's MAC $mac, MTU 1400 and address"
grep -q "gateway 10.89.0.1 " "$T/guest" || fail "ukmon-podnet did not find the default gateway"
[ "$(ip -n $pod -o link show tap0 | grep -o 'mtu [0-9]*')" = "mtu 1400" ] || fail "tap0 in the pod does not have eth0's MTU"

echo_from() {  # echo_from NS: datagrams of several sizes, each echoed byte for byte
    ip netns exec "$1" python3 - <<'PY' || fail "udp echo from $1"
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
for n in (0, 1, 100, 1000, 1372):
    data = os.urandom(n)
    s.sendto(data, ("10.89.0.2", 7777))
    got, peer = s.recvfrom(65536)
    if got != data or peer != ("10.89.0.2", 7777):
        sys.exit(f"FAIL: {n}-byte datagram: echo differs ({len(got)} bytes from {peer})")
PY
}
echo_from $node
say "udp-echo answers on the pod's IP 10.89.0.2 from the node"
echo_from $peer
say "and from another pod on the bridge"
ip netns exec $peer ping -c 3 -i 0.2 -W 2 10.89.0.2 >"$T/ping" 2>&1 || { cat "$T/ping"; fail "ping of the pod's IP"; }
say "it answers ping on the pod's IP: $(grep -o '[0-9]* received' "$T/ping")"

# The ping example in a third pod, answering on that pod's IP.
plug $pingpod 4
start ping $pingpod -- '{ip}'
ip netns exec $node ping -c 3 -i 0.2 -W 2 10.89.0.4 >"$T/ping" 2>&1 || { cat "$T/ping"; fail "ping of the ping pod"; }
ip netns exec $node ping -c 1 -W 2 -s 1372 -M do 10.89.0.4 >/dev/null || fail "a full-MTU (1400-byte) echo to the ping pod was not answered"
say "the ping example answers on its pod's IP, full MTU included"

runc --root "$T/runc" kill "$id" TERM
for i in $(seq 50); do kill -0 $cpid 2>/dev/null || break; sleep 0.1; done
kill -0 $cpid 2>/dev/null && fail "the container did not end within 5 s of SIGTERM"
rc=0; wait $cpid || rc=$?
[ "$rc" != 0 ] || fail "a stopped guest exited with status 0"
ip -n $pod link show tap0 >/dev/null 2>&1 && fail "tap0 is still there after the container ended"
tc -n $pod qdisc show dev eth0 | grep -q ingress && fail "eth0's ingress redirect is still there"
say "stopped (status $rc): tap0 and the redirect are gone"
echo "PASS: $TEST"
