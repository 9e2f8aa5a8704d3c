#!/usr/bin/env bash
# The no-root path of docs/security.md, for real: as user nobody (uid 65534), given only what
# an administrator would give a user once — a TAP created for it (ip tuntap ... user UID), a
# disk file it owns, and for kvm membership of the group that owns /dev/kvm — a hello and a
# guest with a disk and a NIC run, and a TAP owned by another user is refused.
#   tests/net/no_root.sh BUILD BACKEND
# The host's own /dev/kvm and /dev/net/tun are never changed: the device nodes with those
# permissions are private copies bind-mounted in a mount namespace of this test only.
. "$(dirname "$0")/lib.sh" "$@"
need_netns
for c in setpriv unshare mknod mount; do need_cmd "$c"; done
user=65534 kvm_group=65533
chmod 711 "$LOGDIR"
dir=$LOGDIR/user
mkdir -m 755 "$dir"
cp "$BUILD/hello" "$BUILD/tests/bin/blk_with_net" "$dir/" || fail "copying the executables"
chmod 755 "$dir/hello" "$dir/blk_with_net"
truncate -s 64K "$dir/disk.img"
chown "$user" "$dir/disk.img"
# Device nodes as a distribution sets them up: /dev/kvm root:kvm 0660, /dev/net/tun 0666.
mknod "$dir/kvm" c 10 232 && chgrp "$kvm_group" "$dir/kvm" && chmod 660 "$dir/kvm" || skip "cannot make device nodes here"
mknod "$dir/tun" c 10 200 && chmod 666 "$dir/tun" || skip "cannot make device nodes here"

add_user_tap() { in_ns ip tuntap add dev "$1" mode tap ${2:+user "$2"} || fail "ip tuntap add $1"; }
add_user_tap tapnr0 "$user"   # the user's own TAP
add_user_tap tapnr1 0         # root's (a TAP with no owner at all is anyone's: see docs/security.md)

# as_user CMD...: runs CMD as nobody (supplementary group: the kvm group) inside the
# namespace, with the private device nodes in place; prints its output, sets CODE.
as_user() {
    CODE=0
    ip netns exec "$NS" unshare -m sh -c '
        mount --bind "$0/kvm" /dev/kvm && mount --bind "$0/tun" /dev/net/tun || exit 99
        exec setpriv --reuid='"$user"' --regid='"$user"' --groups='"$kvm_group"' "$@"' "$dir" "$@" \
        >"$LOGDIR/out" 2>&1 || CODE=$?
    cat "$LOGDIR/out"
}

as_user id -u
grep -qx "$user" "$LOGDIR/out" || fail "setpriv did not switch to uid $user"

as_user "$dir/hello" --backend="$BACKEND"
[ "$CODE" = 0 ] || fail "hello as uid $user on $BACKEND: exit $CODE"
grep -qx "backend: $BACKEND" "$LOGDIR/out" || fail "hello did not run on $BACKEND"
echo "ok - hello runs as uid $user on $BACKEND"

as_user "$dir/blk_with_net" --backend="$BACKEND" --block:disk="$dir/disk.img" --net:service=tapnr0 \
    -- dev:disk write:0:4096:5 verify:0:4096:5
[ "$CODE" = 0 ] || fail "disk + NIC guest as uid $user: exit $CODE"
grep -qx "verify:0:4096:5: OK" "$LOGDIR/out" || fail "the disk did not read back"
echo "ok - a guest with its own disk and its own TAP runs as uid $user on $BACKEND"

as_user "$dir/blk_with_net" --backend="$BACKEND" --block:disk="$dir/disk.img" --net:service=tapnr1 -- dev:disk
[ "$CODE" = 252 ] || fail "attaching root's TAP as uid $user: exit $CODE, expected 252"
grep -q "no permission to attach TAP 'tapnr1'" "$LOGDIR/out" || fail "the refusal does not say why"
echo "ok - a TAP owned by another user is refused (252) with one line saying so"
echo PASS
