#!/usr/bin/env python3
"""The measuring half of `make bench` (tools/bench sets up the build and the network namespace).

usage: bench.py --build DIR [--netns NS --tap TAP] [--json FILE] [--svg FILE] [--quick]

Runs ukcompare's measurements over the bench guests and the baselines, and prints the table
of the targets in docs/performance.md: line, target, measured, ratio against a baseline measured in this same run,
pass/short; then the side-by-side detail (blk and net per size, hypercalls per type, system
calls). A slow figure is a figure: the exit status is 1 only when a measurement could not be
taken, 0 otherwise. Definitions: docs/performance.md.
"""
import argparse
import io
import os
import re
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ukcompare_lib as U  # noqa: E402
import ukcompare_app as A  # noqa: E402
import ukcompare_svg as S  # noqa: E402
import bench_apps  # noqa: E402

BLK_FILE_MIB = 32
BLK_SIZES = (4096, 65536, 1 << 20)
NET_SIZES = (64, 1500)


class Bench:
    def __init__(self, a):
        self.a = a
        self.build = a.build
        self.progress = U.Progress(False)
        self.missing = []
        self.data = {"schema": "ukmon-bench/1", "machine": U.machine_info()}
        self.tools = U.build_tools(self.build)
        self.runner = U.Runner(self.tools["launch"])
        self.ns_prefix = ["ip", "netns", "exec", a.netns] if a.netns else []
        self.q = 0.35 if a.quick else 1.0

    def n(self, x):
        return max(1, int(x * self.q))

    def app(self, name):
        path = os.path.join(self.build, name)
        if not os.path.exists(path):
            self.missing.append("%s: %s is not built" % (name, path))
            return None
        return path

    def rounds(self, configs, rounds, what, runner=None):
        """Interleaved runs of (label, cmd); returns {label: [results]} or None if one failed."""
        try:
            return U.interleaved(runner or self.runner, configs, rounds, self.progress, what)
        except U.MeasurementError as e:
            self.progress.done()
            self.missing.append("%s: %s" % (what, e))
            return None

    # ---- the measurements --------------------------------------------------------------

    def startup(self):
        hello = self.app("hello")
        boot = self.app("bench-boot")
        if not hello:
            return
        # bench-boot --timeline runs in the same interleaved loop as hello and the baselines.
        extra = [("bench-boot " + b, A.app_cmd(boot, b, guest_args=["--timeline"])) for b in ("seccomp", "kvm")] \
            if boot else []
        try:
            res, miss, walls = A.compare(hello, runs=self.n(200), build=self.build, progress=self.progress,
                                         extra=extra)
        except U.MeasurementError as e:
            self.missing.append("hello start-up: %s" % e)
            return
        self.missing += ["hello: " + m for m in miss]
        self.data["hello"] = res
        self.walls = walls

    def solo5(self):
        """Solo5-ABI guests through ukmon-run: start-up (exec to exit, wall clock, interleaved)
        and the walltime round trip, for spt (seccomp), spt under kvm and hvt (kvm)."""
        run = self.app("ukmon-run")
        img = lambda name, t: os.path.join(self.build, "tests", "solo5", "%s.%s" % (name, t))
        if not run or not all(os.path.exists(img(n, t)) for n in ("hello", "bench_walltime") for t in ("spt", "hvt")):
            self.missing.append("solo5: ukmon-run or the tests/solo5 images are not built")
            return
        kinds = [("spt", [run, img("hello", "spt")]), ("spt under kvm", [run, "--backend=kvm", img("hello", "spt")]),
                 ("hvt", [run, img("hello", "hvt")])]
        walls = {k: [] for k, _ in kinds}
        for _ in range(self.n(100)):
            for k, cmd in kinds:
                t0 = time.perf_counter_ns()
                r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                walls[k].append(time.perf_counter_ns() - t0)
                if r.returncode != 0:
                    self.missing.append("solo5 start-up %s: exit %d" % (k, r.returncode))
                    return
        res = {"startup_ns": {k: {"min": min(v), "median": sorted(v)[len(v) // 2]} for k, v in walls.items()}}
        calls = str(self.n(20000))
        res["walltime_ns_per_call"] = {}
        for k, cmd in [("spt", [run, img("bench_walltime", "spt"), calls]),
                       ("spt under kvm", [run, "--backend=kvm", img("bench_walltime", "spt"), calls]),
                       ("hvt", [run, img("bench_walltime", "hvt"), calls])]:
            best = None
            for _ in range(3):
                out = subprocess.run(cmd, capture_output=True, text=True).stdout
                m = re.search(r"walltime: \d+ calls, (\d+) ns/call", out)
                if not m:
                    self.missing.append("solo5 walltime %s: no result (%r)" % (k, out[-200:]))
                    break
                best = int(m.group(1)) if best is None else min(best, int(m.group(1)))
            res["walltime_ns_per_call"][k] = best
        # CPL0 on this host: hvt with and without PVM's VIF page (without it, what Solo5's own
        # tender gets on a PVM host: every instruction emulated).
        res["cpu_loop_us"] = {}
        cpu = lambda t: img("bench_cpu", t)
        if all(os.path.exists(cpu(t)) for t in ("spt", "hvt")):
            for k, cmd in [("spt", [run, cpu("spt"), "100000"]), ("hvt", [run, cpu("hvt"), "100000"]),
                           ("hvt without VIF", [run, "--kvm-no-vif", cpu("hvt"), "100000"])]:
                out = subprocess.run(cmd, capture_output=True, text=True).stdout
                m = re.search(r"cpu: \d+ iterations, (\d+) us", out)
                res["cpu_loop_us"][k] = int(m.group(1)) if m else None
        self.data["solo5"] = res

    def apps(self):
        d, miss = bench_apps.run(self.build, self.a.quick)
        self.data["apps"] = d
        self.missing += miss

    def hypercalls(self):
        app = self.app("bench-hypercall")
        if not app or "kvm_vm" not in self.tools:
            if "kvm_vm" not in self.tools:
                self.missing.append("hypercall: kvm_vm baseline not built")
            return
        nk, ns = str(self.n(5000)), str(self.n(300000))
        configs = [
            ("kvm", A.app_cmd(app, "kvm", guest_args=[nk, "walltime", "puts", "clock"])),
            ("kvm poll", A.app_cmd(app, "kvm", guest_args=[str(self.n(300)), "poll"])),
            ("seccomp", A.app_cmd(app, "seccomp", guest_args=[ns, "walltime", "puts"])),
            ("seccomp poll", A.app_cmd(app, "seccomp", guest_args=[str(self.n(300)), "poll"])),
            ("kvm_vm loop", [self.tools["kvm_vm"], "loop", nk]),
            ("clock_loop", [self.tools["clock_loop"], ns]),
        ]
        r = self.rounds(configs, self.n(9) + 1, "hypercalls")
        if r:
            self.data["hypercalls"] = {k: U.bench_summary(v) for k, v in r.items()}

    def cpu(self):
        app = self.app("bench-cpu")
        if not app:
            return
        r = self.rounds([(b, A.app_cmd(app, b)) for b in ("kvm", "seccomp")], self.n(7) + 1, "guest compute")
        if r:
            self.data["cpu"] = {k: U.bench_summary(v) for k, v in r.items()}
            # The SSE line only means something if the loop really is packed SSE.
            elf = os.path.join(self.build, "examples", "bench-cpu.elf")
            try:
                asm = subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf], capture_output=True,
                                     text=True, timeout=60).stdout
            except (OSError, subprocess.SubprocessError):
                asm = ""
            packed = {op: len(re.findall(r"\s%s\s" % op, asm)) for op in ("mulps", "addps")}
            self.data["cpu"]["sse_instructions"] = packed
            if not all(packed.values()):
                self.missing.append("guest compute SSE: %s has no packed SSE (mulps/addps) code" % elf)

    def blk(self):
        app = self.app("bench-blk")
        if not app:
            return
        img = os.path.join(self.build, "bench", "blk.img")
        os.makedirs(os.path.dirname(img), exist_ok=True)
        # Allocate every block first, so no run pays for filling holes and all see the same file.
        with open(img, "wb") as f:
            chunk = b"\xa5" * (1 << 20)
            for _ in range(BLK_FILE_MIB):
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
        out = {}
        for bs in BLK_SIZES:
            passes = "2" if bs < 65536 else "4"
            configs = [("host", [self.tools["blk_host"], img, str(bs), "both", passes])]
            for b in ("seccomp", "kvm"):
                configs.append((b, A.app_cmd(app, b, app_opt=["--block:storage=" + img],
                                             guest_args=[str(bs), "both", passes])))
            r = self.rounds(configs, self.n(7) + 1, "blk %d KiB" % (bs // 1024))
            if r:
                out[str(bs)] = {k: U.bench_summary(v) for k, v in r.items()}
        self.data["blk"] = out
        try:
            os.unlink(img)
        except OSError:
            pass

    def net(self):
        app = self.app("bench-net")
        if not app:
            return
        if not self.a.netns:
            self.missing.append("net: no network namespace (tools/bench creates one; needs root and iproute2)")
            return
        runner = U.Runner(self.tools["launch"], prefix=self.ns_prefix, scratch=self.runner.scratch)
        frames = str(self.n(40000))  # per pass; 3 passes per run, the fastest counts
        out = {}
        for size in NET_SIZES:
            configs = [("host", [self.tools["tap_host"], self.a.tap, str(size), frames, "3"]),
                       ("host+filter", [self.tools["tap_host"], self.a.tap, str(size), frames, "3", "filtered"])]
            for b in ("seccomp", "kvm"):
                configs.append((b, A.app_cmd(app, b, app_opt=["--net:service=" + self.a.tap],
                                             guest_args=[str(size), frames])))
            if size == 64:  # one frame per call: a ring hand-off (or an exit) per frame
                configs.append(("kvm single-frame", A.app_cmd(app, "kvm", app_opt=["--net:service=" + self.a.tap],
                                                               guest_args=["64", str(self.n(2000)), "1", "1"])))
            r = self.rounds(configs, self.n(14) + 1, "net %d B" % size, runner=runner)
            if r:
                out[str(size)] = {k: U.bench_summary(v) for k, v in r.items()}
        self.data["net"] = out

    # ---- the table ---------------------------------------------------------------------

    def figure(self, path, stat="median"):
        """data[path...][stat], or None (and the caller records it missing)."""
        node = self.data
        for p in path:
            if not isinstance(node, dict) or p not in node or node[p] is None:
                return None
            node = node[p]
        return node.get(stat) if isinstance(node, dict) else node

    def lines(self):
        L = []  # (line, op, target, measured text, ratio or None)

        def add(label, op, target, num, den, fmt, unit=""):
            if num is None or den is None or den == 0:
                L.append((label, op, target, "not measured", None))
                self.missing.append("table: " + label)
                return
            L.append((label, op, target, fmt % (num, den) + unit, num / den))

        h = ("hello", "backends")
        b = ("hello", "baselines")
        add("seccomp hello boot→exit vs exec static C hello", "<=", 1.5,
            _ms(self.figure(h + ("seccomp", "startup", "boot_to_exit_ns"), "min")),
            _ms(self.figure(b + ("exec_hello", "boot_to_exit_ns"), "min")), "%.2f / %.2f ms")
        add("kvm hello boot→exit vs minimal VM, one exit", "<=", 1.5,
            _ms(self.figure(h + ("kvm", "startup", "boot_to_exit_ns"), "min")),
            _ms(self.figure(b + ("kvm_vm_one_exit", "boot_to_exit_ns"), "min")), "%.2f / %.2f ms")
        hc = ("hypercalls",)
        add("hypercall round trip kvm (walltime) vs bare out loop", "<=", 1.2,
            _us(self.figure(hc + ("kvm", "hypercall=walltime", "ns_per_call"), "min")),
            _us(self.figure(hc + ("kvm_vm loop", "kvm_bare_exit_loop", "ns_per_exit"), "min")), "%.1f / %.1f µs")
        add("kvm wall-clock read (clock_gettime in the guest) vs raw clock_gettime", "<=", 1.0,
            self.figure(hc + ("kvm", "hypercall=clock", "ns_per_call"), "min"),
            self.figure(hc + ("clock_loop", "raw_clock_gettime", "ns_per_call"), "min"), "%.0f / %.0f ns")
        for kind, key in (("int", "cpu=int"), ("SSE", "cpu=sse")):
            add("guest compute %s: kvm speed vs seccomp" % kind, ">=", 0.9,
                _ms(self.figure(("cpu", "seccomp", key, "ns"), "min")),
                _ms(self.figure(("cpu", "kvm", key, "ns"), "min")), "%.2f / %.2f ms", " (seccomp/kvm time)")
        add("hypercall round trip seccomp (walltime) vs raw clock_gettime", "<=", 1.2,
            self.figure(hc + ("seccomp", "hypercall=walltime", "ns_per_call"), "min"),
            self.figure(hc + ("clock_loop", "raw_clock_gettime", "ns_per_call"), "min"), "%.0f / %.0f ns")
        for op in ("read", "write"):
            add("blk seq %s 64 KiB, seccomp vs host p%s" % (op, op), ">=", 0.9,
                self.figure(("blk", "65536", "seccomp", "blk_" + op, "mib_per_s"), "max"),
                self.figure(("blk", "65536", "host", "blk_" + op, "mib_per_s"), "max"), "%.0f / %.0f MiB/s")
        # kvm blk goes through the blk ring (docs/performance.md, "The blk ring"); the targets
        # are issue 15's: they must hold where an exit costs 25 µs and where it costs 78 µs.
        for bs, label, target in (("1048576", "1 MiB", 0.85), ("65536", "64 KiB", 0.7), ("4096", "4 KiB", 0.4)):
            for op in ("read", "write"):
                add("blk seq %s %s, kvm vs host p%s" % (op, label, op), ">=", target,
                    self.figure(("blk", bs, "kvm", "blk_" + op, "mib_per_s"), "max"),
                    self.figure(("blk", bs, "host", "blk_" + op, "mib_per_s"), "max"), "%.0f / %.0f MiB/s")
        for size in NET_SIZES:
            add("net %d B frames/s, seccomp vs host TAP writer" % size, ">=", 0.9,
                _k(self.figure(("net", str(size), "seccomp", "net_write", "fps"), "max")),
                _k(self.figure(("net", str(size), "host", "net_write", "fps"), "max")), "%.0fk / %.0fk fps")
        # kvm net goes through the net ring (docs/performance.md, "The net ring"); issue 15's target.
        for size in NET_SIZES:
            add("net %d B frames/s, kvm (net ring, batches of 256) vs host" % size, ">=", 0.8,
                _k(self.figure(("net", str(size), "kvm", "net_write", "fps"), "max")),
                _k(self.figure(("net", str(size), "host", "net_write", "fps"), "max")), "%.0fk / %.0fk fps")
        for be in ("seccomp", "kvm"):
            kb = self.figure(h + (be, "memory", "monitor_peak_kb"))
            add("monitor memory beyond guest RAM, %s" % be, "<=", 2.0,
                None if kb is None else kb / 1024, 1.0, "%.2f MiB%.0s", " (peak RSS − guest pages)")
        size = self.data.get("hello", {}).get("app_size_bytes")
        static = _is_static(os.path.join(self.build, "hello"))
        if size is None:
            add("baked hello executable", "<=", 1.5, None, None, "")
        else:
            L.append(("baked hello executable, static", "<=", 1.5,
                      "%.2f MiB, %s" % (size / 1048576, "static" if static else "NOT static"),
                      size / 1048576 if static else float("inf")))
        return L

    def print_table(self, out=sys.stdout):
        w = out.write
        m = self.data["machine"]
        w("ukmon bench: the targets in docs/performance.md, every ratio against a baseline measured in this same run\n")
        w("machine: %s, %d cores, %d MiB; /dev/kvm: %s; kernel %s; clocksource %s; load %.2f→%.2f\n\n" % (
            m["cpu"], m["cores"], m["mem_total_mib"] or 0, m["kvm"], m["kernel"], m["clocksource"],
            m["loadavg_before"], os.getloadavg()[0]))
        rows = self.lines()
        self.data["table"] = [{"line": r[0], "op": r[1], "target": r[2], "measured": r[3], "ratio": r[4],
                               "result": _verdict(r[1], r[2], r[4])} for r in rows]
        wl = max(len(r[0]) for r in rows)
        wm = max(len(r[3]) for r in rows)
        w("%-*s  %-7s  %-*s  %7s  %s\n" % (wl, "line", "target", wm, "measured (ukmon / baseline)", "ratio", "result"))
        w("%s  %s  %s  %s  %s\n" % ("-" * wl, "-" * 7, "-" * wm, "-" * 7, "------"))
        for label, op, target, text, ratio in rows:
            tgt = ("≤ " if op == "<=" else "≥ ") + ("%g×" % target if "memory" not in label and "executable" not in label
                                                    else "%g MiB" % target)
            rt = "-" if ratio is None else ("%.2f" % ratio if ratio != float("inf") else "inf")
            if ratio is not None and "memory" not in label and "executable" not in label:
                rt += "×"
            w("%-*s  %-7s  %-*s  %7s  %s\n" % (wl, label, tgt, wm, text, rt, _verdict(op, target, ratio)))
        short = [r for r in self.data["table"] if r["result"] == "short"]
        w("\n%d lines: %d pass, %d short, %d not measured\n" % (
            len(rows), sum(r["result"] == "pass" for r in self.data["table"]), len(short),
            sum(r["result"] == "not measured" for r in self.data["table"])))
        # The bench itself keeps about one core busy; more than that was someone else.
        load = max(m["loadavg_before"], os.getloadavg()[0])
        self.data["busy"] = load > (m["cores"] or 1) + 0.5
        if self.data["busy"]:
            w("warning: the machine was busy (load average %.1f on %d cores): with no idle moment even the\n"
              "fastest runs are slowed, unevenly; results near a target are noise. Rerun when it is idle.\n"
              % (load, m["cores"]))

    def print_detail(self, out=sys.stdout):
        self.print_solo5(out)
        self.print_detail_rest(out)

    def print_solo5(self, out):
        s = self.data.get("solo5")
        if not s:
            return
        out.write("\nSolo5 ABI through ukmon-run (exec to exit, wall clock µs: min / median; walltime ns/call)\n")
        for k in ("spt", "spt under kvm", "hvt"):
            st = s["startup_ns"].get(k)
            wt = s["walltime_ns_per_call"].get(k)
            out.write("  %-14s start-up %8s / %8s   walltime round trip %s\n" % (
                k, ("%.0f" % _us(st["min"])) if st else "-", ("%.0f" % _us(st["median"])) if st else "-",
                ("%d ns" % wt) if wt is not None else "-"))
        cpu = s.get("cpu_loop_us", {})
        if cpu:
            out.write("  integer loop, 100000 iterations: %s\n" % ", ".join(
                "%s %s µs" % (k, v if v is not None else "-") for k, v in cpu.items()))

    def print_detail_rest(self, out=sys.stdout):
        w = out.write
        hello = self.data.get("hello")
        if hello:
            w("\nstart-up, boot→exit µs (min / median / p99; %d interleaved runs each)\n" % hello["runs"])
            rows = [("ukmon seccomp, hello", hello["backends"].get("seccomp", {}).get("startup")),
                    ("ukmon kvm, hello", hello["backends"].get("kvm", {}).get("startup")),
                    ("exec static C hello", hello["baselines"].get("exec_hello")),
                    ("minimal KVM VM, one exit", hello["baselines"].get("kvm_vm_one_exit"))]
            rows += [("ukmon %s" % k.replace("bench-boot ", "") + ", bench-boot", v["startup"])
                     for k, v in hello.get("extra", {}).items()]
            for label, s in rows:
                if not s:
                    continue
                t = s["boot_to_exit_ns"]
                w("  %-28s %8.0f %8.0f %8.0f   cpu %6.0f µs  maxrss %5d KiB" % (
                    label, t["min"] / 1e3, t["median"] / 1e3, t["p99"] / 1e3, s["cpu_total_ns"]["median"] / 1e3,
                    s["maxrss_kb"]["median"]))
                if "boot_to_first_hypercall_ns" in s:
                    w("   exec→1st hypercall %.0f, halt→exit %.0f" % (
                        s["boot_to_first_hypercall_ns"]["median"] / 1e3, s["halt_to_exit_ns"]["median"] / 1e3))
                w("\n")
            if hello["ratios"]:
                w("  ratios of medians (the table uses the fastest runs): %s\n" % ", ".join(
                    "%s %.2f×" % kv for kv in hello["ratios"].items()))
            for be in ("seccomp", "kvm"):
                r = hello["backends"].get(be, {})
                sc = r.get("syscalls")
                if sc:
                    w("  %s hello, traced timeline (µs from exec, under strace): %s\n" % (
                        be, ", ".join("%s %.0f" % kv for kv in sc["timeline_traced_us"].items())))
        hc = self.data.get("hypercalls")
        if hc:
            w("\nhypercall round trip, ns (fastest pass over all runs)\n")
            for t in ("walltime", "puts", "poll"):
                k = self.figure(("hypercalls", "kvm" if t != "poll" else "kvm poll", "hypercall=" + t, "ns_per_call"), "min")
                s = self.figure(("hypercalls", "seccomp" if t != "poll" else "seccomp poll", "hypercall=" + t,
                                 "ns_per_call"), "min")
                w("  %-9s kvm %10s   seccomp %10s\n" % (t, _f(k), _f(s)))
            w("  baselines: bare `out` exit %s, raw clock_gettime %s, vDSO clock_gettime %s, raw getppid %s\n" % (
                _f(self.figure(("hypercalls", "kvm_vm loop", "kvm_bare_exit_loop", "ns_per_exit"), "min")),
                _f(self.figure(("hypercalls", "clock_loop", "raw_clock_gettime", "ns_per_call"), "min")),
                _f(self.figure(("hypercalls", "clock_loop", "vdso_clock_gettime", "ns_per_call"), "min")),
                _f(self.figure(("hypercalls", "clock_loop", "raw_getppid", "ns_per_call"), "min"))))
        if self.data.get("cpu"):
            sse = self.data["cpu"].get("sse_instructions", {})
            w("\nguest compute, best ms over runs (kvm / seccomp); the SSE loop is %d mulps + %d addps\n"
              % (sse.get("mulps", 0), sse.get("addps", 0)))
            for key in ("cpu=int", "cpu=sse"):
                w("  %-8s %8s / %8s\n" % (key[4:], _f(_ms(self.figure(("cpu", "kvm", key, "ns"), "min"))),
                                          _f(_ms(self.figure(("cpu", "seccomp", key, "ns"), "min")))))
        if self.data.get("blk"):
            w("\nblk sequential, MiB/s, fastest pass over all runs (ratio to host)  [%d MiB file, in the page cache]\n"
              % BLK_FILE_MIB)
            w("  %-6s %-5s %10s %18s %18s\n" % ("bs", "op", "host", "seccomp", "kvm"))
            for bs in BLK_SIZES:
                for op in ("read", "write"):
                    host = self.figure(("blk", str(bs), "host", "blk_" + op, "mib_per_s"), "max")
                    cells = []
                    for be in ("seccomp", "kvm"):
                        v = self.figure(("blk", str(bs), be, "blk_" + op, "mib_per_s"), "max")
                        cells.append("-" if v is None or not host else "%.0f (%.2f×)" % (v, v / host))
                    w("  %-6s %-5s %10s %18s %18s\n" % (_size(bs), op, _f(host), cells[0], cells[1]))
        if self.data.get("net"):
            w("\nnet frames/s written to a TAP, fastest pass over all runs (ratio to host)\n")
            w("  %-6s %8s %18s %18s %18s %20s\n" % ("frame", "host", "host+filter", "seccomp", "kvm (batch 256)",
                                                   "kvm (1 frame/call)"))
            for size in NET_SIZES:
                host = self.figure(("net", str(size), "host", "net_write", "fps"), "max")
                cells = []
                for be in ("host+filter", "seccomp", "kvm", "kvm single-frame"):
                    v = self.figure(("net", str(size), be, "net_write", "fps"), "max")
                    cells.append("-" if v is None or not host else "%.0fk (%.2f×)" % (v / 1e3, v / host))
                w("  %-6s %8s %18s %18s %18s %20s\n" % ("%d B" % size, "-" if host is None else "%.0fk" % (host / 1e3),
                                                      *cells))
            w("  (host+filter: the host writer under a seccomp filter shaped like ukmon's: the filter's own cost)\n")
        if hello:
            w("\nsystem calls (hello)\n")
            for be in ("seccomp", "kvm"):
                r = hello["backends"].get(be, {})
                if "filter" in r:
                    w("  %s filter: %d calls: %s\n" % (be, len(r["filter"]["distinct"]), " ".join(r["filter"]["distinct"])))
                sc = r.get("syscalls")
                if sc:
                    ab = sc["after_boot"]
                    w("  %s after boot (strace): %d distinct: %s; whole run %d distinct, %d calls\n" % (
                        be, len(ab["distinct"]), " ".join("%s×%d" % kv for kv in ab["counts"].items()),
                        len(sc["whole_run"]["distinct"]), sc["whole_run"]["total"]))
                mm = r.get("memory")
                if mm:
                    w("  %s memory: peak RSS %d KiB = guest pages %d KiB + monitor %d KiB\n" % (
                        be, mm["vmhwm_kb"], mm["guest_rss_kb"], mm["monitor_peak_kb"]))


def _verdict(op, target, ratio):
    if ratio is None:
        return "not measured"
    ok = ratio <= target if op == "<=" else ratio >= target
    return "pass" if ok else "short"


def _ms(ns):
    return None if ns is None else ns / 1e6


def _us(ns):
    return None if ns is None else ns / 1e3


def _k(v):
    return None if v is None else v / 1e3


def _f(v):
    if v is None:
        return "-"
    return "%.0f" % v if abs(v) >= 100 else "%.3g" % v


def _size(bs):
    return "%d K" % (bs // 1024) if bs < (1 << 20) else "%d M" % (bs >> 20)


def _is_static(path):
    """True when the ELF has no PT_INTERP (static or static-pie)."""
    try:
        with open(path, "rb") as f:
            head = f.read(64)
            if head[:4] != b"\x7fELF" or head[4] != 2:
                return False
            phoff, = struct.unpack_from("<Q", head, 32)
            phentsize, phnum = struct.unpack_from("<HH", head, 54)
            f.seek(phoff)
            ph = f.read(phentsize * phnum)
        return all(struct.unpack_from("<I", ph, i * phentsize)[0] != 3 for i in range(phnum))
    except OSError:
        return False


def main(argv):
    U.exit_cleanly_on_signals()
    p = argparse.ArgumentParser(prog="bench.py")
    p.add_argument("--build", required=True)
    p.add_argument("--netns")
    p.add_argument("--tap", default="uktap0")
    p.add_argument("--json")
    p.add_argument("--svg")
    p.add_argument("--quick", action="store_true", help="about a third of the runs and iterations")
    p.add_argument("--only", help="comma-separated subset: startup,hypercalls,cpu,blk,net,solo5,apps")
    a = p.parse_args(argv)
    try:
        b = Bench(a)
    except U.MeasurementError as e:
        print("bench: %s" % e, file=sys.stderr)
        return 1
    parts = ["startup", "hypercalls", "cpu", "blk", "net", "solo5", "apps"]
    if a.only:
        parts = [x for x in parts if x in a.only.split(",")]
    for part in parts:
        getattr(b, part)()
    b.progress.done()
    report = io.StringIO()  # rendered first: print_table records the table in b.data
    b.print_table(report)
    b.print_detail(report)
    bench_apps.print_apps(b.data.get("apps"), report.write)
    b.data["missing"] = sorted(set(b.missing))
    if a.json:
        U.write_json(b.data, a.json)
    sys.stdout.write(report.getvalue())
    if a.svg and getattr(b, "walls", None):
        labels = {"kvm": "ukmon kvm, hello", "seccomp": "ukmon seccomp, hello", "exec_hello": "exec static C hello",
                  "kvm_vm_one_exit": "minimal KVM VM, 1 exit", "bench-boot seccomp": "ukmon seccomp, bench-boot",
                  "bench-boot kvm": "ukmon kvm, bench-boot"}
        S.svg_startup({labels.get(k, k): v for k, v in b.walls.items()}, a.svg,
                      "start-up time, boot to exit (%s)" % b.data["machine"]["kvm"].split(" (")[0])
    if b.missing:
        print("\nbench: could not measure:", file=sys.stderr)
        for m in sorted(set(b.missing)):
            print("  " + m, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
