# Shared by the tests/deploy scripts (source it with BUILD as $1): skip/fail, a scratch
# directory removed on exit, OCI images of baked executables, and one way to run an image
# under each engine (runc, crun, podman, containerd's ctr), each with private state under
# the scratch directory so nothing of the host's container storage is touched.
# Exit codes: 0 pass, 1 fail (a "FAIL: ..." line), 77 skip (a "SKIP: ..." line).
set -euo pipefail

BUILD=${1:?usage: $0 BUILD}
BUILD=$(cd "$BUILD" && pwd)
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TEST=$(basename "$0" .sh)
T=$(mktemp -d "/tmp/ukmon-$TEST-XXXXXX")
CLEANUPS=()

skip() { echo "SKIP: $TEST: $*"; exit 77; }
fail() { echo "FAIL: $TEST: $*"; exit 1; }
say() { echo "# $*"; }

cleanup() {
    local c
    for c in ${CLEANUPS[@]+"${CLEANUPS[@]}"}; do eval "$c" >/dev/null 2>&1 || true; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

need_root() { [ "$(id -u)" = 0 ] || skip "needs root (container engines, dpkg)"; }
need_cmd() { local c; for c in "$@"; do command -v "$c" >/dev/null || skip "no '$c' command (tools/setup-deps installs it)"; done; }
# Baked executables of a SANITIZE=1 build are dynamically linked: they cannot be an image's
# only file, and the seccomp backend does not run under ASan.
need_static() {
    [ "${UKMON_SANITIZE:-0}" != 1 ] || skip "sanitizer build (baked executables are dynamically linked)"
    [ -x "$BUILD/$1" ] || fail "$BUILD/$1 is not built"
}
have_kvm() { [ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; }

# image NAME [-- FLAG...]: the OCI layout of $BUILD/NAME in $T/img-NAME (tag NAME).
image() {
    local name=$1
    shift
    "$BUILD/bin/ukbake" --oci "$T/img-$name" "$BUILD/$name" "$@" >/dev/null || fail "ukbake --oci $name"
    # The same layout as one tar (an "oci-archive"), which podman load and ctr import take.
    tar -C "$T/img-$name" -cf "$T/img-$name.tar" . || fail "tar $name"
}

# This host mounts cgroup v2 beside v1 (hybrid) with a controller on v2, which crun 1.8
# refuses ("cgroups in hybrid mode not supported"). A private mount namespace without the
# v2 mount shows crun a plain v1 host; the host's own mounts are untouched.
hybrid_ok() {
    if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && [ -n "$(cat /sys/fs/cgroup/unified/cgroup.controllers)" ]; then
        unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified && exec "$@"' sh "$@"
    else
        "$@"
    fi
}

# ---- engines: run_ENGINE IMAGE-NAME KVM(0|1) DISKDIR|- ARG... ----------------------------
# Each runs the image's entrypoint with ARG... appended, stdout+stderr to $T/out, and
# returns the container's exit status. KVM=1 passes /dev/kvm in; DISKDIR is mounted at /data.
N=0
bundle() {  # bundle NAME KVM DISKDIR ARG... -> B, a new bundle for runc and crun
    local name=$1 kvm=$2 disk=$3
    shift 3
    B=$(mktemp -u "$T/bundle-XXXXXX")  # unique even when called from a subshell
    umoci unpack --image "$T/img-$name:$name" "$B" >/dev/null 2>&1 || fail "umoci unpack $name"
    local opts=(--seccomp /usr/share/containers/seccomp.json)
    [ "$kvm" = 1 ] && opts+=(--device /dev/kvm)
    [ "$disk" != - ] && opts+=(--bind "$disk:/data")
    python3 "$ROOT/tests/deploy/oci_bundle.py" "$B/config.json" "${opts[@]}" -- "$@" || fail "bundle config"
}
run_runc() {
    bundle "$@"
    runc --root "$T/runc" run --bundle "$B" "ukmon-${B##*-}" >"$T/out" 2>&1
}
run_crun() {
    bundle "$@"
    hybrid_ok crun --root "$T/crun" run --bundle "$B" "ukmon-${B##*-}" >"$T/out" 2>&1
}

# podman with its own storage (vfs: no overlay mounts left behind), no network, and the
# default seccomp profile. The limits are set because podman's default (raise RLIMIT_NOFILE
# and NPROC to the maximum) needs CAP_SYS_RESOURCE, which a sandboxed host may lack.
PODMAN=(env "CONTAINERS_CONF=$T/containers.conf" podman --root "$T/podman/root" --runroot "$T/podman/run"
        --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
cat >"$T/containers.conf" <<'EOF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
EOF
podman_load() {  # podman_load NAME -> localhost/ukmon-NAME:test
    "${PODMAN[@]}" load -q -i "$T/img-$1.tar" >"$T/load" 2>&1 || { cat "$T/load"; fail "podman load $1"; }
    "${PODMAN[@]}" tag "$(sed -n 's/^Loaded image: //p' "$T/load")" "localhost/ukmon-$1:test" || fail "podman tag $1"
}
run_podman() {
    local name=$1 kvm=$2 disk=$3 opts=(--rm --network none)
    shift 3
    [ "$kvm" = 1 ] && opts+=(--device /dev/kvm)
    [ "$disk" != - ] && opts+=(-v "$disk:/data")
    hybrid_ok "${PODMAN[@]}" run "${opts[@]}" "localhost/ukmon-$name:test" "$@" >"$T/out" 2>&1
}

# containerd: the test starts its own daemon (CI starts no services), on a socket under $T.
CTR=(ctr -a "$T/containerd/sock" -n ukmon)
start_containerd() {
    mkdir -p "$T/containerd"
    cat >"$T/containerd/config.toml" <<EOF
version = 2
root = "$T/containerd/root"
state = "$T/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/containerd/sock"
[ttrpc]
  address = "$T/containerd/sock.ttrpc"
EOF
    containerd --config "$T/containerd/config.toml" >"$T/containerd/log" 2>&1 &
    local pid=$! i
    # Containers first (their shims outlive a stopped daemon), then the daemon, then its mounts.
    CLEANUPS+=("for c in \$(${CTR[*]} c ls -q); do ${CTR[*]} t kill -s KILL \$c; ${CTR[*]} t rm -f \$c; ${CTR[*]} c rm \$c; done"
               "kill $pid; wait $pid"
               "grep -o ' $T/containerd/[^ ]*' /proc/mounts | sort -r | xargs -r -n1 umount")
    for i in $(seq 50); do
        "${CTR[@]}" version >/dev/null 2>&1 && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$T/containerd/log"; fail "containerd exited"; }
        sleep 0.1
    done
    fail "containerd did not answer within 5 s"
}
ctr_load() {  # ctr_load NAME -> ukmon/NAME:NAME
    "${CTR[@]}" images import --base-name "ukmon/$1" "$T/img-$1.tar" >/dev/null || fail "ctr images import $1"
}
# ctr run replaces the whole process, so the image's entrypoint is put back in front.
run_ctr() {
    local name=$1 kvm=$2 disk=$3 opts=(--rm --seccomp) entry
    shift 3
    [ "$kvm" = 1 ] && opts+=(--device /dev/kvm)
    [ "$disk" != - ] && opts+=(--mount "type=bind,src=$disk,dst=/data,options=rbind:rw")
    N=$((N + 1))
    mapfile -t entry < <(image_entrypoint "$name")
    "${CTR[@]}" run "${opts[@]}" "ukmon/$name:$name" "ukmon-$$-$N" "${entry[@]}" "$@" >"$T/out" 2>&1
}
# The image config's Entrypoint, one word a line.
image_entrypoint() {
    python3 - "$T/img-$1" <<'PY'
import json, os, sys
d = sys.argv[1]
blob = lambda dg: json.load(open(os.path.join(d, "blobs", *dg.split(":"))))
man = blob(json.load(open(os.path.join(d, "index.json")))["manifests"][0]["digest"])
print("\n".join(blob(man["config"]["digest"])["config"]["Entrypoint"]))
PY
}
