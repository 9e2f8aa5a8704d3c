#!/usr/bin/env bash
# `podman stop` is what an engine (and Kubernetes) does to end a container: SIGTERM, then
# SIGKILL after a grace period. A ukmon guest stopped that way must still run its exit
# actions: the container ends with 250, the --stats file on the mounted volume is whole JSON
# naming the stop, and what the guest wrote is on its disk. `podman kill -s KILL` still ends
# one at once. Both backends (kvm when /dev/kvm is there, passed in).
. "$(dirname "$0")/lib.sh" "$@"
need_root
need_cmd umoci podman python3 unshare
need_static tests/bin/blk_write_wait

mkdir -p "$T/img-bww"
# The guest writes 512 bytes of 0x5A at offset 0, says "written", then waits forever.
podman_image() {  # podman_image BACKEND: the image with that backend in its entrypoint
    rm -rf "$T/img-bww" "$T/img-bww.tar"
    "$BUILD/bin/ukbake" --oci "$T/img-bww" "$BUILD/tests/bin/blk_write_wait" --tag bww -- \
        --backend="$1" --stats=/data/stats.json --block:disk=/data/disk.img >/dev/null || fail "ukbake --oci"
    tar -C "$T/img-bww" -cf "$T/img-bww.tar" . || fail "tar"
    podman_load bww
}

wait_written() {  # wait_written NAME: until the guest said it wrote (10 s at most)
    local i
    for i in $(seq 100); do
        "${PODMAN[@]}" logs "$1" 2>/dev/null | grep -q written && return 0
        sleep 0.1
    done
    "${PODMAN[@]}" logs "$1" 2>&1 | tail -5
    fail "$1: the guest never said 'written'"
}

backends=(seccomp)
if have_kvm; then backends+=(kvm); else echo "SKIP: $TEST on kvm: no usable /dev/kvm"; fi
for b in "${backends[@]}"; do
    podman_image "$b"
    data="$T/data-$b"
    mkdir -p "$data"
    truncate -s 64K "$data/disk.img"
    opts=(-d --network none -v "$data:/data")
    [ "$b" = kvm ] && opts+=(--device /dev/kvm)
    CLEANUPS+=("${PODMAN[*]} rm -f stop-$b kill-$b")

    hybrid_ok "${PODMAN[@]}" run "${opts[@]}" --name "stop-$b" localhost/ukmon-bww:test >/dev/null || fail "$b: podman run"
    wait_written "stop-$b"
    hybrid_ok "${PODMAN[@]}" stop -t 10 "stop-$b" >/dev/null || fail "$b: podman stop"
    code=$("${PODMAN[@]}" inspect "stop-$b" --format '{{.State.ExitCode}}')
    [ "$code" = 250 ] || fail "$b: podman stop: exit code $code, expected 250 (stopped, exit actions run)"
    python3 - "$data/stats.json" <<'PY' || fail "$b: the --stats file after podman stop"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["exit"]["kind"] == "stopped", s["exit"]
assert s["exit"]["code"] == 250, s["exit"]
assert s["exit"]["reason"].startswith("stopped by signal 15"), s["exit"]
PY
    head -c 512 "$data/disk.img" | cmp -s - <(head -c 512 /dev/zero | tr '\0' '\132') ||
        fail "$b: the disk does not hold what the guest wrote before the stop"
    say "$b: podman stop: 250, stats of kind stopped, the write on disk"

    hybrid_ok "${PODMAN[@]}" run "${opts[@]}" --name "kill-$b" localhost/ukmon-bww:test >/dev/null || fail "$b: podman run (kill)"
    wait_written "kill-$b"
    start=$(date +%s%N)
    hybrid_ok "${PODMAN[@]}" kill -s KILL "kill-$b" >/dev/null || fail "$b: podman kill"
    hybrid_ok "${PODMAN[@]}" wait "kill-$b" >/dev/null 2>&1 || true
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    code=$("${PODMAN[@]}" inspect "kill-$b" --format '{{.State.ExitCode}}')
    [ "$code" = 137 ] || fail "$b: podman kill -s KILL: exit code $code, expected 137"
    [ "$ms" -lt 5000 ] || fail "$b: podman kill -s KILL took $ms ms"
    say "$b: podman kill -s KILL: 137 at once ($ms ms)"
done
echo "PASS: $TEST"
