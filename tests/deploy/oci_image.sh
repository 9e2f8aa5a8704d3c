#!/usr/bin/env bash
# ukbake --oci writes a valid OCI image layout: one manifest, one layer holding only the
# executable (root's, mode 0755, byte for byte), an entrypoint with the default flags and
# labels for backends, node needs and devices. The same input gives the same digest (even
# with a different file time and a later clock); other flags give another; bad input is one
# line naming the problem and exit status 252.
#   tests/deploy/oci_image.sh BUILD
. "$(dirname "$0")/lib.sh" "$@"
need_static hello
need_static blkstore
need_cmd umoci python3

# Two images of the same executable, copied at different times with different mtimes.
cp "$BUILD/blkstore" "$T/blkstore"
"$BUILD/bin/ukbake" --oci "$T/a" "$T/blkstore" -- --block:storage=/data/disk.img >"$T/a.out" || fail "ukbake --oci"
sleep 1.1
touch "$T/blkstore"
"$BUILD/bin/ukbake" --oci "$T/b" "$T/blkstore" -- --block:storage=/data/disk.img >"$T/b.out" || fail "ukbake --oci (again)"
"$BUILD/bin/ukbake" --oci "$T/c" "$T/blkstore" >"$T/c.out" || fail "ukbake --oci (default flags)"
da=$(awk '{print $3}' "$T/a.out") db=$(awk '{print $3}' "$T/b.out") dc=$(awk '{print $3}' "$T/c.out")
[[ "$da" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "ukbake --oci printed no digest: $(cat "$T/a.out")"
[ "$da" = "$db" ] || fail "not reproducible: $da then $db"
[ "$da" != "$dc" ] || fail "other flags gave the same digest $da"
say "reproducible: $da twice; other flags: $dc"

python3 - "$T/a" "$T/blkstore" "$T/c" <<'PY' || fail "layout"
import gzip, hashlib, io, json, os, sys, tarfile
d, exe, d2 = sys.argv[1:]
def blob(layout, dg, raw=False):
    data = open(os.path.join(layout, "blobs", *dg.split(":")), "rb").read()
    assert "sha256:" + hashlib.sha256(data).hexdigest() == dg, f"blob {dg} does not match its digest"
    return data if raw else json.loads(data)
assert json.load(open(os.path.join(d, "oci-layout")))["imageLayoutVersion"] == "1.0.0"
index = json.load(open(os.path.join(d, "index.json")))
assert len(index["manifests"]) == 1, "one manifest"
assert index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"] == "blkstore"
man = blob(d, index["manifests"][0]["digest"])
assert len(man["layers"]) == 1, f"{len(man['layers'])} layers, want 1"
cfg = blob(d, man["config"]["digest"])
layer = tarfile.open(fileobj=io.BytesIO(gzip.decompress(blob(d, man["layers"][0]["digest"], True))))
members = layer.getmembers()
assert [m.name for m in members] == ["blkstore"], f"layer holds {[m.name for m in members]}"
m = members[0]
assert (m.uid, m.gid, m.mode, m.mtime) == (0, 0, 0o755, 0), f"owner/mode/time {m.uid} {m.gid} {oct(m.mode)} {m.mtime}"
assert layer.extractfile(m).read() == open(exe, "rb").read(), "the layer's file differs from the executable"
c = cfg["config"]
assert c["Entrypoint"] == ["/blkstore", "--block:storage=/data/disk.img"], c["Entrypoint"]
assert (cfg["architecture"], cfg["os"], cfg["created"]) == ("amd64", "linux", "1970-01-01T00:00:00Z")
assert "org.ukmon.podnet.needs" not in c["Labels"]
want = {"org.ukmon.backends": "kvm,seccomp", "org.ukmon.backend.seccomp.needs": "nothing",
        "org.ukmon.backend.kvm.needs": "/dev/kvm", "org.ukmon.devices": "blk:storage",
        "org.opencontainers.image.title": "blkstore"}
for k, v in want.items():
    assert c["Labels"].get(k) == v, f"label {k}={c['Labels'].get(k)!r}, want {v!r}"
assert c["StopSignal"] == "SIGTERM"
man2 = blob(d2, json.load(open(os.path.join(d2, "index.json")))["manifests"][0]["digest"])
assert blob(d2, man2["config"]["digest"])["config"]["Entrypoint"] == ["/blkstore", "--backend=auto"]
print("# layout: one manifest, one layer with only /blkstore (0:0 0755), entrypoint and labels as asked")
PY

# --podnet: the helper beside the executable, the entrypoint through it, and a label.
"$BUILD/bin/ukbake" --oci "$T/p" "$T/blkstore" --podnet >/dev/null || fail "ukbake --oci --podnet"
python3 - "$T/p" "$BUILD/bin/ukmon-podnet" <<'PY' || fail "--podnet layout"
import gzip, io, json, os, sys, tarfile
d, helper = sys.argv[1:]
blob = lambda dg: open(os.path.join(d, "blobs", *dg.split(":")), "rb").read()
man = json.loads(blob(json.load(open(os.path.join(d, "index.json")))["manifests"][0]["digest"]))
cfg = json.loads(blob(man["config"]["digest"]))["config"]
layer = tarfile.open(fileobj=io.BytesIO(gzip.decompress(blob(man["layers"][0]["digest"]))))
names = sorted(m.name for m in layer.getmembers())
assert names == ["blkstore", "ukmon-podnet"], names
assert layer.extractfile("ukmon-podnet").read() == open(helper, "rb").read(), "the helper differs"
assert cfg["Entrypoint"] == ["/ukmon-podnet", "--", "/blkstore", "--backend=auto"], cfg["Entrypoint"]
assert cfg["Labels"]["org.ukmon.podnet.needs"] == "CAP_NET_ADMIN,/dev/net/tun"
print("# --podnet: /ukmon-podnet beside /blkstore, the entrypoint through it, its needs labelled")
PY

# Bad input: exit 252 and one line that names the problem.
bad() {
    local want=$1 rc=0
    shift
    "$BUILD/bin/ukbake" --oci "$@" >/dev/null 2>"$T/err" || rc=$?
    [ "$rc" = 252 ] || fail "ukbake --oci $*: exit status $rc, want 252"
    [ "$(wc -l <"$T/err")" = 1 ] && grep -q -- "$want" "$T/err" || fail "ukbake --oci $*: said '$(cat "$T/err")', want one line with '$want'"
}
bad "no such file" "$T/x" "$T/missing"
bad "not an empty directory" "$T/a" "$T/blkstore"
bad "tag 'A:B'" "$T/y" "$T/blkstore" --tag A:B
bad "not a baked ukmon executable" "$T/z" "$BUILD/examples/hello.elf"
bad "dynamically linked" "$T/z" /bin/true
bad "unknown option '--frobnicate'" "$T/z" "$T/blkstore" --frobnicate
say "bad input: one line, exit 252"
echo "PASS: $TEST"
