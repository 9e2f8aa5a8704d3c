#!/usr/bin/env python3
"""Edits the config.json of a bundle `umoci unpack` made, the way an engine would, for a
run under runc or crun (which have no profile of their own):
  oci_bundle.py CONFIG [--seccomp PROFILE] [--device PATH] [--bind SRC:DST] [--netns PATH]
                [--cap CAP] [-- ARG...]
--seccomp  the engines' default profile (containers-common's seccomp.json, the one podman
           applies) converted to the runtime spec's form for this container's capabilities
--device   a character device passed in (and allowed by the device cgroup), e.g. /dev/kvm
--bind     a host directory mounted read-write
--netns    join this network namespace (e.g. /run/netns/NAME) instead of a new empty one
--cap      add a capability (e.g. CAP_NET_ADMIN) to the process's sets
ARG...     appended to the image's entrypoint, as `podman run IMAGE ARG...` does"""
import json
import os
import platform
import stat
import sys

GO_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}


def kernel_at_least(version):
    have = [int(x) for x in platform.release().split("-")[0].split(".")[:2]]
    want = [int(x) for x in version.split(".")[:2]]
    return have >= want


def rule_applies(rule, caps, arch):
    inc, exc = rule.get("includes") or {}, rule.get("excludes") or {}
    if inc.get("arches") and arch not in inc["arches"]:
        return False
    if exc.get("arches") and arch in exc["arches"]:
        return False
    if inc.get("caps") and not set(inc["caps"]) <= caps:
        return False
    if exc.get("caps") and set(exc["caps"]) & caps:
        return False
    if inc.get("minKernel") and not kernel_at_least(inc["minKernel"]):
        return False
    return True


def convert_profile(path, caps):
    with open(path) as f:
        prof = json.load(f)
    machine = platform.machine()
    arch = GO_ARCH.get(machine, machine)
    arches = []
    for entry in prof.get("archMap", []):
        if entry["architecture"] == "SCMP_ARCH_" + machine.upper():
            arches = [entry["architecture"]] + entry.get("subArchitectures", [])
    out = {"defaultAction": prof["defaultAction"], "architectures": arches, "syscalls": []}
    if "defaultErrnoRet" in prof:
        out["defaultErrnoRet"] = prof["defaultErrnoRet"]
    for rule in prof["syscalls"]:
        if not rule_applies(rule, caps, arch):
            continue
        names = rule.get("names") or [rule["name"]]
        r = {"names": names, "action": rule["action"]}
        if rule.get("args"):
            r["args"] = rule["args"]
        if "errnoRet" in rule:
            r["errnoRet"] = rule["errnoRet"]
        out["syscalls"].append(r)
    return out


def main(argv):
    if len(argv) < 1:
        sys.exit("usage: oci_bundle.py CONFIG [--seccomp PROFILE] [--device PATH] [--bind SRC:DST] "
                 "[--netns PATH] [--cap CAP] [-- ARG...]")
    path, args = argv[0], argv[1:]
    with open(path) as f:
        cfg = json.load(f)
    cfg["process"]["terminal"] = False  # stdout and the exit status go straight to the caller
    linux = cfg.setdefault("linux", {})
    while args:
        opt = args.pop(0)
        if opt == "--":
            cfg["process"]["args"] += args
            break
        if not args:
            sys.exit(f"oci_bundle.py: {opt} needs a value")
        val = args.pop(0)
        if opt == "--seccomp":
            caps = set(cfg["process"]["capabilities"]["bounding"])
            linux["seccomp"] = convert_profile(val, caps)
        elif opt == "--device":
            st = os.stat(val)
            major, minor = os.major(st.st_rdev), os.minor(st.st_rdev)
            linux.setdefault("devices", []).append(
                {"path": val, "type": "c", "major": major, "minor": minor,
                 "fileMode": stat.S_IMODE(st.st_mode), "uid": 0, "gid": 0})
            linux.setdefault("resources", {}).setdefault("devices", []).append(
                {"allow": True, "type": "c", "major": major, "minor": minor, "access": "rwm"})
        elif opt == "--bind":
            src, dst = val.split(":", 1)
            cfg["mounts"].append({"destination": dst, "type": "bind", "source": src,
                                  "options": ["rbind", "rw"]})
        elif opt == "--netns":
            ns = [n for n in linux["namespaces"] if n["type"] != "network"]
            linux["namespaces"] = ns + [{"type": "network", "path": val}]
        elif opt == "--cap":
            for kind in ("bounding", "effective", "permitted"):
                cfg["process"]["capabilities"][kind].append(val)
        else:
            sys.exit(f"oci_bundle.py: unknown option {opt}")
    with open(path, "w") as f:
        json.dump(cfg, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1:])
