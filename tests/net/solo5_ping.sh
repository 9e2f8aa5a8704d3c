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
# --net:NAME=@FD: a TAP fd opened by the caller and handed down, as Solo5's tenders take it.
add_tap tapfd 10.78.9.1/24
cat >"$LOGDIR/with_tap_fd" <<'PY'
#!/usr/bin/env python3
# with_tap_fd --backend=B RUNNER KERNEL ARGS...: binds an fd to TAP "tapfd" and execs the
# runner with --net:service=@FD.
import fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH22x", b"tapfd", 0x0002 | 0x1000))  # TUNSETIFF: TAP, no PI
os.set_inheritable(fd, True)
os.execv(sys.argv[2], [sys.argv[2], sys.argv[1], "--net:service=@%d" % fd] + sys.argv[3:])
PY
chmod +x "$LOGDIR/with_tap_fd"
start_guest "$LOGDIR/guest-fd" "answering" "$LOGDIR/with_tap_fd" "$BUILD/ukmon-run" "$BUILD/tests/solo5/net.spt" 10.78.9.2
in_ns ping -c 3 -W 2 10.78.9.2 >"$LOGDIR/ping-fd" || { cat "$LOGDIR/guest-fd" "$LOGDIR/ping-fd"; fail "--net:service=@FD: ping"; }
say "spt image on $BACKEND with --net:service=@FD: answered"
no_checksum_errors
echo PASS
