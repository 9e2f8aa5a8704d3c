#!/usr/bin/env bash
# Our Solo5-ABI net guest (tests/solo5/guests/net.c) answers ping from the host through
# ukmon-run: the spt image on BACKEND (seccomp: the filter is its device model; kvm: the
# monitor serves its system calls), and the hvt image when BACKEND is kvm.
#   tests/net/solo5_ping.sh BUILD BACKEND
. "$(dirname "$0")/lib.sh" "$@"
need_netns
need_cmd ping
targets=spt
[ "$BACKEND" = kvm ] && targets="spt hvt"
n=0
for t in $targets; do
    n=$((n + 1))
    tap=taps$n
    add_tap "$tap" 10.78.$n.1/24
    start_guest "$LOGDIR/guest-$t" "answering" "$BUILD/ukmon-run" --net:service="$tap" \
        "$BUILD/tests/solo5/net.$t" 10.78.$n.2
    in_ns ping -c 3 -W 2 10.78.$n.2 | tee "$LOGDIR/ping-$t" || { cat "$LOGDIR/guest-$t"; fail "$t: ping -c 3"; }
    in_ns ping -q -f -c 200 -w 10 10.78.$n.2 | tee "$LOGDIR/flood-$t" | grep -q " 0% packet loss" ||
        { cat "$LOGDIR/flood-$t"; fail "$t: flood ping lost packets"; }
    guest_alive
    say "$t image on $BACKEND: ARP and ICMP echo answered"
done
no_checksum_errors
echo PASS
