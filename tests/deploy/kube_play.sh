#!/usr/bin/env bash
# The seccomp Pod spec of docs/deploy.md (deploy/kubernetes/hello-seccomp.yaml) runs under
# `podman kube play` as written (only the guest's status is set per run): the pod's
# container runs as an unprivileged user, prints hello's lines, and exits with the status.
#   tests/deploy/kube_play.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_root
need_cmd umoci podman catatonit python3 unshare
spec=$ROOT/deploy/kubernetes/hello-seccomp.yaml
ref=$(sed -nE 's/^ +image: (.*)$/\1/p' "$spec")
[ -n "$ref" ] || fail "no image in $spec"
image hello
podman_load hello
# The image under the name the spec gives, so nothing is pulled from anywhere.
"${PODMAN[@]}" tag localhost/ukmon-hello:test "$ref" || fail "podman tag $ref"
status=$((RANDOM % 200 + 1))
sed "s/--status=0/--status=$status/" "$spec" >"$T/pod.yaml"
grep -q -- "--status=$status" "$T/pod.yaml" || fail "the spec's args have no --status=0 to set"
CLEANUPS+=("${PODMAN[*]} pod rm -f ukmon-hello")
hybrid_ok "${PODMAN[@]}" kube play --network none "$T/pod.yaml" >"$T/play" 2>&1 || { cat "$T/play"; fail "podman kube play"; }
ctr=ukmon-hello-hello
rc=$("${PODMAN[@]}" wait "$ctr") || fail "podman wait $ctr"
"${PODMAN[@]}" logs "$ctr" >"$T/out" 2>&1
user=$("${PODMAN[@]}" inspect "$ctr" --format '{{.Config.User}}')
for line in "Hello from a ukmon unikernel!" "command line: \"--status=$status\" (1 arguments)" "backend: seccomp"; do
    grep -qxF "$line" "$T/out" || { cat "$T/out"; fail "the pod did not print '$line'"; }
done
[ "$rc" = "$status" ] || { cat "$T/out"; fail "the pod's container exited with $rc, want $status"; }
[ "$user" = 65534 ] || fail "the container ran as user '$user', want 65534"
say "podman kube play: hello printed its lines as user $user and exited with $rc"
echo "PASS: $TEST"
