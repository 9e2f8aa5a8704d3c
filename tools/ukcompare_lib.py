"""Measurement primitives shared by tools/ukcompare and tools/bench (Python 3 standard library):
statistics, progress, building the helper and baselines, timed runs, per-run summaries.
ukcompare_app.py measures one app (traces, memory, compare()); ukcompare_svg.py plots.

Everything timed is timed by tools/ukcompare-launch (C): Python only orchestrates, parses and
prints. Timeline points and every figure are defined in docs/performance.md.
"""
import atexit
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

SCHEMA = "ukcompare/1"
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def exit_cleanly_on_signals():
    """SIGTERM/SIGINT end the program through SystemExit, so atexit removes scratch files."""
    import signal

    def handler(signum, frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


class MeasurementError(Exception):
    """A figure could not be taken (as opposed to a slow one, which is just a figure)."""


# ---- statistics -------------------------------------------------------------------------

def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(-(-p * len(sorted_values) // 100)) - 1))
    return sorted_values[k]


def stats(values):
    """min/median/p99/max/mean of a list of numbers, plus the samples; None if empty."""
    v = sorted(float(x) for x in values)
    if not v:
        return None
    return {"n": len(v), "min": v[0], "median": statistics.median(v), "p99": percentile(v, 99),
            "max": v[-1], "mean": statistics.fmean(v), "samples": [float(x) for x in values]}


# ---- progress -----------------------------------------------------------------------------

class Progress:
    """One status line on stderr: rewritten in place on a terminal, every 10 s otherwise."""

    def __init__(self, quiet=False):
        self.quiet = quiet
        self.tty = sys.stderr.isatty()
        self.last = 0.0
        self.width = 0

    def __call__(self, text, force=False):
        if self.quiet:
            return
        now = time.monotonic()
        if self.tty:
            pad = max(0, self.width - len(text))
            sys.stderr.write("\r" + text + " " * pad)
            sys.stderr.flush()
            self.width = len(text)
        elif force or now - self.last >= 10:
            sys.stderr.write(text + "\n")
            sys.stderr.flush()
            self.last = now

    def done(self):
        if not self.quiet and self.tty and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


# ---- building the helper and the baselines --------------------------------------------------

def _stale(target, sources):
    if not os.path.exists(target):
        return True
    t = os.path.getmtime(target)
    return any(os.path.exists(s) and os.path.getmtime(s) > t for s in sources)


def _compile(cmd, target, sources):
    """Runs cmd (whose `-o target` is rewritten to a temporary name) when target is stale, then
    renames the result into place, so concurrent runs never execute a half-written file."""
    if not _stale(target, sources):
        return target
    os.makedirs(os.path.dirname(target), exist_ok=True)
    tmp = "%s.tmp%d" % (target, os.getpid())
    cmd = [tmp if c == target else c for c in cmd]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise MeasurementError("building %s failed:\n%s" % (os.path.basename(target), r.stderr.strip()))
    os.replace(tmp, target)
    return target


def guess_build_dir(app):
    """The build directory an APP was baked in (it holds lib/libukmon.a), or None."""
    d = os.path.dirname(os.path.abspath(app))
    for cand in (d, os.path.dirname(d)):
        if os.path.exists(os.path.join(cand, "lib", "libukmon.a")):
            return cand
    return None


def build_tools(build_dir, want=("launch", "exec_hello", "kvm_vm", "clock_loop", "blk_host", "tap_host")):
    """Builds the launcher and the baselines into BUILD/bench/bin (only when stale).
    Returns {name: path}; kvm_vm is missing when libukmon.a is not there."""
    out = os.path.join(build_dir, "bench", "bin")
    tools = os.path.join(REPO, "tools")
    base = os.path.join(tools, "baselines")
    cflags = ["-O2", "-g0", "-Wall", "-Wextra", "-Werror"]
    paths = {}
    if "launch" in want:
        src = os.path.join(tools, "ukcompare-launch.c")
        paths["launch"] = _compile(["gcc", *cflags, "-o", os.path.join(out, "ukcompare-launch"), src],
                                   os.path.join(out, "ukcompare-launch"), [src])
    for name, extra, libs in (("exec_hello", ["-static", "-s"], []), ("clock_loop", [], []), ("blk_host", [], []),
                              ("tap_host", [], ["-lseccomp"])):
        if name in want:
            src = os.path.join(base, name + ".c")
            tgt = os.path.join(out, name)
            paths[name] = _compile(["gcc", *cflags, *extra, "-o", tgt, src, *libs], tgt, [src])
    lib = os.path.join(build_dir, "lib", "libukmon.a")
    if "kvm_vm" in want and os.path.exists(lib):
        src = os.path.join(base, "kvm_vm.cpp")
        tgt = os.path.join(out, "kvm_vm")
        ldflags = "-static-pie"
        try:
            with open(os.path.join(build_dir, "lib", "ldflags")) as f:
                ldflags = f.read().strip() or ldflags
        except OSError:
            pass
        # Linked like a baked executable (same link mode, stripped), reusing ukmon's layout code.
        cmd = ["g++", "-std=c++20", *cflags, "-I" + REPO, "-I" + os.path.join(REPO, "guest-abi", "include"),
               *ldflags.split(), "-s", "-o", tgt, src, lib, "-lseccomp", "-lelf", "-lz"]
        paths["kvm_vm"] = _compile(cmd, tgt, [src, lib])
    return paths


# ---- one run ------------------------------------------------------------------------------

BENCH_LINE = re.compile(r"^bench:\s+(.*)$")


def parse_bench(text):
    """`bench: ...` lines -> list of (identity, fields). The identity is the first token when
    it is a bare word (`blk_write bs=4096 ...` -> `blk_write`), else the first key=value
    (`hypercall=walltime`). Numeric values become floats."""
    out = []
    for line in text.splitlines():
        m = BENCH_LINE.match(line.strip())
        if not m or not m.group(1).split():
            continue
        tokens = m.group(1).split()
        ident = tokens[0]
        fields = {}
        for tok in tokens:
            if "=" not in tok:
                continue
            k, v = tok.split("=", 1)
            try:
                fields[k] = float(v)
            except ValueError:
                fields[k] = v
        out.append((ident, fields))
    return out


def parse_launch(line):
    vals = {}
    for tok in line.split():
        if "=" in tok:
            k, v = tok.split("=", 1)
            vals[k] = int(v)
    need = ("t_exec_ns", "t_exit_ns", "wall_ns", "utime_ns", "stime_ns", "maxrss_kb", "status", "signal")
    if any(k not in vals for k in need):
        raise MeasurementError("launcher said: %r" % line)
    return vals


class Runner:
    """Runs commands through the launcher, one at a time, in a scratch directory."""

    def __init__(self, launch, prefix=None, scratch=None):
        self.launch = launch
        self.prefix = list(prefix or [])
        if scratch is None:
            scratch = tempfile.mkdtemp(prefix="ukcompare-")
            atexit.register(shutil.rmtree, scratch, True)
        self.scratch = scratch
        self.count = 0

    def run(self, cmd, expect_status=0, timeout=600):
        """One timed run. Returns the launcher's figures plus `output` and `bench`."""
        self.count += 1
        out = os.path.join(self.scratch, "run.out")
        full = self.prefix + [self.launch, "run", out, "--"] + [_abs_cmd(cmd[0])] + list(cmd[1:])
        r = subprocess.run(full, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise MeasurementError("could not run %s: %s" % (" ".join(cmd), r.stderr.strip()))
        res = parse_launch(r.stdout.strip().splitlines()[-1])
        with open(out, errors="replace") as f:
            res["output"] = f.read()
        with open(out + ".err", errors="replace") as f:
            res["stderr"] = f.read()
        if expect_status is not None and (res["status"] != expect_status or res["signal"]):
            raise MeasurementError("%s exited with status %d signal %d (expected %d)\n%s" % (
                " ".join(cmd), res["status"], res["signal"], expect_status, res["stderr"].strip()[-2000:]))
        res["bench"] = parse_bench(res["output"])
        return res

    def probe(self, cmd, timeout=120):
        """Runs cmd stopped at its exit; returns mappings with their RSS and the summary."""
        full = self.prefix + [self.launch, "probe", "--"] + [_abs_cmd(cmd[0])] + list(cmd[1:])
        r = subprocess.run(full, capture_output=True, text=True, timeout=timeout)
        if r.returncode != 0:
            raise MeasurementError("could not probe %s: %s" % (" ".join(cmd), r.stderr.strip()))
        vmas, vmhwm = [], None
        for line in r.stdout.splitlines():
            if line.startswith("vma "):
                f = dict(t.split("=", 1) for t in line.split()[1:])
                vmas.append({"start": int(f["start"], 16), "end": int(f["end"], 16),
                             "rss_kb": int(f["rss_kb"]), "name": f["name"]})
            elif line.startswith("vmhwm_kb="):
                vmhwm = int(line.split("=", 1)[1])
        summary = parse_launch(r.stdout.strip().splitlines()[-1])
        return vmas, vmhwm, summary


def _abs_cmd(path):
    if os.sep in path:
        return os.path.abspath(path)
    found = shutil.which(path)
    if not found:
        raise MeasurementError("%s: not found" % path)
    return found


def interleaved(runner, configs, runs, progress, what="start-up"):
    """Runs each (label, cmd) `runs` times, round-robin, so load from other processes on the
    machine spreads evenly over all of them. Returns {label: [run results]}."""
    results = {label: [] for label, _ in configs}
    total = runs * len(configs)
    for i in range(runs):
        for j, (label, cmd) in enumerate(configs):
            progress("ukcompare: %s run %d/%d (%s)" % (what, i * len(configs) + j + 1, total, label))
            results[label].append(runner.run(cmd))
    progress.done()
    return results


# ---- what a run costs: time, CPU ------------------------------------------------------

def startup_summary(samples):
    """Figures over a list of run results (see docs/performance.md for the timeline)."""
    s = {
        "boot_to_exit_ns": stats([r["wall_ns"] for r in samples]),
        "cpu_user_ns": stats([r["utime_ns"] for r in samples]),
        "cpu_sys_ns": stats([r["stime_ns"] for r in samples]),
        "cpu_total_ns": stats([r["utime_ns"] + r["stime_ns"] for r in samples]),
        "maxrss_kb": stats([r["maxrss_kb"] for r in samples]),
    }
    # Guests that report the timeline (examples/bench-boot --timeline).
    first, halt, tail = [], [], []
    for r in samples:
        for ident, f in r["bench"]:
            if "t_first_hypercall_ns" in f:
                first.append(f["t_first_hypercall_ns"] - r["t_exec_ns"])
                halt.append(f["t_last_hypercall_ns"] - r["t_exec_ns"])
                tail.append(r["t_exit_ns"] - f["t_last_hypercall_ns"])
    if first and len(first) == len(samples):
        s["boot_to_first_hypercall_ns"] = stats(first)
        s["boot_to_halt_ns"] = stats(halt)
        s["halt_to_exit_ns"] = stats(tail)
    return s


def bench_summary(samples):
    """Aggregates the guests' `bench:` lines over runs: {identity: {field: stats}}."""
    agg = {}
    for r in samples:
        for ident, fields in r["bench"]:
            slot = agg.setdefault(ident, {})
            for k, v in fields.items():
                if isinstance(v, float):
                    slot.setdefault(k, []).append(v)
    return {ident: {k: stats(v) for k, v in f.items()} for ident, f in agg.items()}


# ---- the machine -------------------------------------------------------------------------------

def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mods = set(os.listdir("/sys/module")) if os.path.isdir("/sys/module") else set()
    if "kvm_pvm" in mods:
        kvm = "PVM (kvm_pvm: software KVM, CPL3 guests run natively, exits are expensive)"
    elif "kvm_intel" in mods:
        kvm = "VT-x (kvm_intel)"
    elif "kvm_amd" in mods:
        kvm = "SVM (kvm_amd)"
    elif os.path.exists("/dev/kvm"):
        kvm = "kvm (unknown kind)"
    else:
        kvm = "none"
    try:
        with open("/sys/devices/system/clocksource/clocksource0/current_clocksource") as f:
            clock = f.read().strip()
    except OSError:
        clock = "unknown"
    virt = "yes" if " hypervisor" in open("/proc/cpuinfo").read() else "no"
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "kvm": kvm,
            "clocksource": clock, "under_hypervisor": virt,
            "mem_total_mib": _meminfo_mib(), "loadavg_before": os.getloadavg()[0]}


def _meminfo_mib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def write_json(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")
