"""What one baked app costs under each backend: its host system calls (strace), the memory
it adds beyond guest RAM, its seccomp filter, and compare(), which takes all of ukcompare's
figures for one app with its start-up baselines. Definitions: docs/performance.md."""
import os
import re
import shutil
import subprocess

from ukcompare_lib import (MeasurementError, Progress, REPO, Runner, SCHEMA, bench_summary, build_tools,
                           guess_build_dir, interleaved, machine_info, startup_summary)

GUEST_LOW = 0xF0000  # seccomp: guest memory is [0xF0000, mem) at its own addresses


# ---- memory ------------------------------------------------------------------------------------

def kvm_guest_ram(vmas, mem_bytes):
    """The kvm backend's guest RAM: one anonymous mapping, which the kernel shows as several
    adjacent ones where the huge-page advice differs (backends/kvm/guest_ram.hpp)."""
    vmas = sorted(vmas, key=lambda v: v["start"])
    for i, first in enumerate(vmas):
        if first["name"] != "-" or first["start"] % (2 << 20):
            continue
        end, run = first["start"], []
        for v in vmas[i:]:
            if v["name"] != "-" or v["start"] != end or v["end"] - first["start"] > mem_bytes:
                break
            run.append(v)
            end = v["end"]
        if end - first["start"] == mem_bytes:
            return run
    return []


def memory_split(vmas, backend, mem_bytes):
    """Splits the resident memory at exit into guest RAM and the monitor's own."""
    total = sum(v["rss_kb"] for v in vmas)
    if backend == "seccomp":
        guest = sum(v["rss_kb"] for v in vmas if v["start"] >= GUEST_LOW and v["end"] <= mem_bytes)
    else:  # kvm: adjacent anonymous mappings of exactly the guest's size from a 2 MiB boundary
        guest = sum(v["rss_kb"] for v in kvm_guest_ram(vmas, mem_bytes))
    return {"total_rss_kb": total, "guest_rss_kb": guest, "monitor_rss_kb": total - guest}


# ---- system calls ----------------------------------------------------------------------------

STRACE_LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(?:<\.\.\.\s+(\w+)\s+resumed>|(\w+)\()(.*)$")
STRACE_EXIT = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+\+\+\+ (exited with|killed by) ")
STARTUP_CALLS = {"execve", "brk", "arch_prctl", "set_tid_address", "set_robust_list", "rseq", "prlimit64",
                 "readlink", "readlinkat", "getrandom", "mprotect", "uname", "access"}


def strace_run(app, backend, args, scratch, prefix=None, extra=None):
    """Runs APP once under `strace -f -ttt -T` and reads the host system calls it made.
    after_boot: from the first guest instruction on (kvm: the first KVM_RUN, inclusive;
    seccomp: after the filter is installed). Also the traced timeline (inflated by strace)."""
    if not shutil.which("strace"):
        raise MeasurementError("strace is not installed")
    trace = os.path.join(scratch, "strace-%s.txt" % backend)
    cmd = list(prefix or []) + ["strace", "-f", "-ttt", "-T", "-o", trace, os.path.abspath(app),
                                "--backend=" + backend] + list(extra or []) + (["--"] + list(args) if args else [])
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=300)
    if r.returncode != 0:
        raise MeasurementError("strace of %s --backend=%s: exit %d %s" % (app, backend, r.returncode, r.stderr[-500:]))
    calls = []  # (time, name, rest)
    exit_t = None
    with open(trace, errors="replace") as f:
        for line in f:
            m = STRACE_EXIT.match(line)
            if m:
                exit_t = float(m.group(2))
                continue
            m = STRACE_LINE.match(line)
            if not m or m.group(3):  # a "resumed" half was already counted when it started
                continue
            calls.append((float(m.group(2)), m.group(4), m.group(5)))
    if not calls:
        raise MeasurementError("strace of %s recorded no system calls" % app)
    boot = None
    for i, (t, name, rest) in enumerate(calls):
        if backend == "kvm" and name == "ioctl" and "KVM_RUN" in rest:
            boot = i
            break
        if backend == "seccomp" and ((name == "seccomp" and rest.startswith("SECCOMP_SET_MODE_FILTER")
                                      and re.search(r"=\s+0\s+<", rest)) or
                                     (name == "prctl" and rest.startswith("PR_SET_SECCOMP"))):
            boot = i + 1
            break
    if boot is None:
        raise MeasurementError("strace of %s --backend=%s: no guest entry found" % (app, backend))

    def count(seq):
        c = {}
        for _, name, _ in seq:
            c[name] = c.get(name, 0) + 1
        return {"distinct": sorted(c), "counts": dict(sorted(c.items())), "total": len(seq)}

    t_exec = calls[0][0]
    ready = next((t for t, name, _ in calls[1:] if name not in STARTUP_CALLS), None)
    entered = calls[boot][0] if backend == "kvm" else calls[boot - 1][0]
    first_exit = None
    if backend == "kvm":
        m = re.search(r"<([\d.]+)>\s*$", calls[boot][2])
        if m:
            first_exit = calls[boot][0] + float(m.group(1))
    halt = next((t for t, name, _ in reversed(calls) if name == "exit_group"), None)
    tl = {"exec": 0.0}
    for key, t in (("monitor_ready", ready), ("guest_entered", entered), ("first_exit", first_exit),
                   ("halt", halt), ("exit", exit_t)):
        if t is not None:
            tl[key] = round((t - t_exec) * 1e6, 1)
    return {"source": "strace -f", "whole_run": count(calls), "after_boot": count(calls[boot:]),
            "timeline_traced_us": tl}


def filter_syscalls(app, backend="seccomp", prefix=None, extra=None):
    """The system calls the backend's seccomp filter allows once the guest runs, from
    APP --print-filter (empty if that backend installs none)."""
    r = subprocess.run(list(prefix or []) + [os.path.abspath(app), "--backend=" + backend, "--print-filter"] +
                       list(extra or []), capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise MeasurementError("%s --print-filter: exit %d %s" % (app, r.returncode, r.stderr.strip()))
    names = []
    for line in r.stdout.splitlines():
        if line.startswith("# The BPF program"):
            break
        if line.strip() and not line.startswith("#"):
            name = line.split()[0]
            if name not in names:
                names.append(name)
    return sorted(names)


# ---- one comparison: an app under both backends, with its start-up baselines --------------------

def mem_bytes(text):
    mult = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    t = text.strip().upper()
    return int(t[:-1]) * mult[t[-1]] if t and t[-1] in mult else int(t)


def app_cmd(app, backend, mem="64M", app_opt=(), guest_args=()):
    cmd = [os.path.abspath(app), "--backend=" + backend, "--mem=" + mem] + list(app_opt)
    return cmd + (["--"] + list(guest_args) if guest_args else [])


def _wall(result, key, stat):
    src = result["backends"].get(key) or result["baselines"].get(key)
    if not src:
        return None
    s = src["startup"]["boot_to_exit_ns"] if "startup" in src else src["boot_to_exit_ns"]
    return s[stat] if s else None


def compare(app, backends=("kvm", "seccomp"), runs=20, mem="64M", guest_args=(), app_opt=(), baselines=True,
            trace=True, build=None, progress=None, prefix=None, extra=()):
    """Takes every figure of one app (see tools/ukcompare). Returns (result, missing, walls):
    missing lists the figures that could not be taken, walls the boot-to-exit samples.
    `extra` is a list of further (label, cmd) run in the same interleaved loop; their
    start-up figures go to result["extra"][label]."""
    progress = progress or Progress(True)
    missing = []
    build = build or guess_build_dir(app) or os.path.join(REPO, "build")
    tools = build_tools(build, want=("launch", "exec_hello", "kvm_vm"))
    runner = Runner(tools["launch"], prefix=prefix)
    result = {"schema": SCHEMA, "app": os.path.abspath(app), "app_args": list(guest_args),
              "app_options": list(app_opt), "mem": mem, "runs": runs, "machine": machine_info(),
              "app_size_bytes": os.path.getsize(app), "backends": {}, "baselines": {}, "ratios": {}}
    configs = [(b, app_cmd(app, b, mem, app_opt, guest_args)) for b in backends]
    if baselines:
        configs.append(("exec_hello", [tools["exec_hello"]]))
        if "kvm" in backends and "kvm_vm" in tools:
            configs.append(("kvm_vm_one_exit", [tools["kvm_vm"], "boot"]))
        elif "kvm" in backends:
            missing.append("kvm baseline: no libukmon.a in %s" % build)
    configs += list(extra)
    samples = interleaved(runner, configs, runs, progress)
    if extra:
        result["extra"] = {label: {"startup": startup_summary(samples[label]), "bench": bench_summary(samples[label])}
                           for label, _ in extra}

    for b in backends:
        r = {"startup": startup_summary(samples[b]), "bench": bench_summary(samples[b]),
             "exit_status": samples[b][-1]["status"]}
        if trace:
            progress("ukcompare: tracing %s" % b, force=True)
            try:
                # Three traced runs; the fastest is the least disturbed by other load.
                traces = [strace_run(app, b, guest_args, runner.scratch, prefix=prefix,
                                     extra=["--mem=" + mem] + list(app_opt)) for _ in range(3)]
                r["syscalls"] = min(traces, key=lambda t: t["timeline_traced_us"].get("exit", 1e18))
            except MeasurementError as e:
                missing.append("syscalls (%s): %s" % (b, e))
            try:
                vmas, hwm, _ = runner.probe(app_cmd(app, b, mem, app_opt, guest_args))
                r["memory"] = memory_split(vmas, b, mem_bytes(mem))
                r["memory"]["vmhwm_kb"] = hwm
                r["memory"]["monitor_peak_kb"] = hwm - r["memory"]["guest_rss_kb"]
            except MeasurementError as e:
                missing.append("memory (%s): %s" % (b, e))
        try:
            r["filter"] = {"distinct": filter_syscalls(app, b, prefix=prefix, extra=app_opt)}
        except MeasurementError as e:
            missing.append("filter (%s): %s" % (b, e))
        result["backends"][b] = r
    for name in ("exec_hello", "kvm_vm_one_exit"):
        if name in samples:
            result["baselines"][name] = startup_summary(samples[name])
    # Ratios of boot-to-exit times: of the medians, and of the fastest runs ("best").
    result["ratios_best"] = {}
    for key, stat in (("ratios", "median"), ("ratios_best", "min")):
        t = lambda k: _wall(result, k, stat)  # noqa: E731
        for name, a, b in (("seccomp_boot_vs_exec", "seccomp", "exec_hello"),
                           ("kvm_boot_vs_vm_one_exit", "kvm", "kvm_vm_one_exit"),
                           ("kvm_boot_vs_seccomp", "kvm", "seccomp")):
            if t(a) and t(b):
                result[key][name] = t(a) / t(b)
    result["machine"]["loadavg_after"] = os.getloadavg()[0]
    progress.done()
    return result, missing, {k: [r["wall_ns"] for r in v] for k, v in samples.items()}
