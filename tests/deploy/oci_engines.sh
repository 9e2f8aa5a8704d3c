#!/usr/bin/env bash
# The OCI images of hello and blkstore run under runc, crun, podman and containerd's ctr,
# on the seccomp backend (under the engine's default seccomp profile, on top of ukmon's own
# filter) and, when /dev/kvm opens, on kvm with the device passed in. The image's own
# entrypoint (--backend=auto) picks the backend from what the container was given. Checks:
# the guest's output, its status as the container's exit status, and for blkstore that a
# value put in one container is read by the next through the mounted disk file.
#   tests/deploy/oci_engines.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_static blkstore
need_root
need_cmd umoci runc crun podman containerd ctr python3 unshare
[ -f /usr/share/containers/seccomp.json ] || skip "no /usr/share/containers/seccomp.json (containers-common)"

image hello
image blkstore -- --backend=auto --block:storage=/data/disk.img
podman_load hello
podman_load blkstore
start_containerd
ctr_load hello
ctr_load blkstore

backends=(seccomp)
if have_kvm; then backends+=(kvm); else echo "SKIP: $TEST: kvm backend: /dev/kvm does not open here"; fi

# expect CODE WANT-CODE WHAT PATTERN...: the status and each pattern as a whole line of $T/out.
expect() {
    local code=$1 want=$2 what=$3 p
    shift 3
    [ "$code" = "$want" ] || { sed 's/^/  | /' "$T/out"; fail "$what: exit status $code, want $want"; }
    for p in "$@"; do
        grep -qxF -- "$p" "$T/out" || { sed 's/^/  | /' "$T/out"; fail "$what: no line '$p'"; }
    done
}

for engine in runc crun podman ctr; do
    for backend in "${backends[@]}"; do
        kvm=0
        [ "$backend" = kvm ] && kvm=1
        what="$engine/$backend"
        # hello: a status chosen per run comes back as the container's exit status.
        status=$((RANDOM % 200 + 1))
        rc=0
        "run_$engine" hello "$kvm" - -- "--status=$status" || rc=$?
        expect "$rc" "$status" "$what hello" "Hello from a ukmon unikernel!" \
            "command line: \"--status=$status\" (1 arguments)" "backend: $backend"
        # blkstore: put in one container, get in the next, from the same disk file.
        disk=$T/disk-$engine-$backend
        mkdir -p "$disk"
        truncate -s 1M "$disk/disk.img"
        value=v$RANDOM$RANDOM
        rc=0; "run_$engine" blkstore "$kvm" "$disk" -- put color "$value" || rc=$?
        expect "$rc" 0 "$what blkstore put"
        rc=0; "run_$engine" blkstore "$kvm" "$disk" -- get color || rc=$?
        expect "$rc" 0 "$what blkstore get (a second container)" "$value"
        rc=0; "run_$engine" blkstore "$kvm" "$disk" -- get shape || rc=$?
        expect "$rc" 1 "$what blkstore get of a missing key" "blkstore: no key 'shape'"
        say "$what: hello status $status; blkstore value carried across containers"
    done
done
echo "PASS: $TEST"
