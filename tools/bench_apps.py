"""The application lines of `make bench`: httpd, iperf and kv on seccomp and kvm, each against
a host server doing the same work in the same run, and start-up to first answer.

Workloads are the Unikraft paper's (EuroSys 2021): wrk with 30 connections against a 612-byte
page; redis-benchmark with 30 connections, 100,000 requests, pipeline 16. Topology, all inside
two throw-away network namespaces created and deleted here: the clients run in NS; the guests
sit behind a TAP in NS; the host baselines (nginx, iperf -s, redis-server) run in NS-s behind a
veth pair, so both paths cross the client's kernel stack and one virtual link.
docs/performance.md ("Applications") explains every figure.
"""
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

TAP, GUEST_IP, TAP_HOST = "ukapp0", "10.81.0.2", "10.81.0.1/24"
GUEST_MAC = "02:00:00:00:81:02"
HOST_IP = "10.82.0.2"
PAGE = 612  # nginx's welcome page, the page the Unikraft paper measured


def _sh(*cmd, check=True):
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=60)


class Apps:
    def __init__(self, build, quick):
        self.build, self.quick = build, quick
        self.ns = "ukmon-benchapp-%d" % os.getpid()
        self.srv = self.ns + "-s"
        self.tmp = tempfile.mkdtemp(prefix="ukmon-benchapp-")
        self.missing, self.data = [], {}
        self.procs = []

    # ---- set-up ------------------------------------------------------------------------
    def setup(self):
        n, s = self.ns, self.srv
        for ns in (n, s):
            _sh("ip", "netns", "add", ns)
            _sh("ip", "-n", ns, "link", "set", "lo", "up")
        _sh("ip", "-n", n, "tuntap", "add", "dev", TAP, "mode", "tap")
        _sh("ip", "netns", "exec", n, "sysctl", "-q", "-w", "net.ipv6.conf.%s.disable_ipv6=1" % TAP)
        _sh("ip", "-n", n, "addr", "add", TAP_HOST, "dev", TAP)
        _sh("ip", "-n", n, "link", "set", TAP, "up")
        # The guest's MAC is fixed (--net-mac), so the client needs no ARP round: start-up
        # is measured to the first answer, not to Linux's ARP retry timer.
        _sh("ip", "-n", n, "neigh", "replace", GUEST_IP, "lladdr", GUEST_MAC, "dev", TAP, "nud", "permanent")
        _sh("ip", "-n", n, "link", "add", "ukvc", "type", "veth", "peer", "name", "ukvs", "netns", s)
        _sh("ip", "-n", n, "addr", "add", "10.82.0.1/24", "dev", "ukvc")
        _sh("ip", "-n", s, "addr", "add", HOST_IP + "/24", "dev", "ukvs")
        _sh("ip", "-n", n, "link", "set", "ukvc", "up")
        _sh("ip", "-n", s, "link", "set", "ukvs", "up")
        site = os.path.join(self.tmp, "site")
        os.makedirs(site)
        body = "<!DOCTYPE html>\n<html><head><title>ukmon</title></head><body>\n"
        body += "<p>" + "x" * (PAGE - len(body) - len("</p></body></html>\n") - 3) + "</p></body></html>\n"
        with open(os.path.join(site, "index.html"), "w") as f:
            f.write(body[:PAGE])
        subprocess.run(["tar", "cf", os.path.join(self.tmp, "site.tar"), "-C", site, "index.html"], check=True)
        with open(os.path.join(self.tmp, "nginx.conf"), "w") as f:
            f.write("daemon off; master_process off; worker_processes 1; error_log stderr; pid %s/nginx.pid;\n"
                    "events { worker_connections 1024; }\n"
                    "http { access_log off; keepalive_requests 100000000; client_body_temp_path %s;\n"
                    "  server { listen %s:8080; root %s; } }\n" % (self.tmp, self.tmp, HOST_IP, site))

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for ns in (self.ns, self.srv):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- servers -----------------------------------------------------------------------
    def start(self, ns, cmd):
        p = subprocess.Popen(["ip", "netns", "exec", ns] + cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.procs.append(p)
        return p

    def stop(self, p):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def guest(self, app, backend, extra=(), guest_args=()):
        return ["%s/%s" % (self.build, app), "--backend=" + backend, "--net:service=" + TAP,
                "--net-mac:service=" + GUEST_MAC] + list(extra) + ["--", "--ip=%s/24" % GUEST_IP] + list(guest_args)

    def servers(self, what):
        """(label, namespace, command, address) for the host baseline and both backends."""
        kv_disk = os.path.join(self.tmp, "kv.disk")
        if what == "httpd":
            host = ["nginx", "-p", self.tmp, "-c", os.path.join(self.tmp, "nginx.conf")]
            g = lambda b: self.guest("httpd", b, ["--block-ro:site=" + os.path.join(self.tmp, "site.tar")],
                                     ["--port=8080"])
        elif what == "iperf":
            host = ["iperf", "-s", "-B", HOST_IP]
            g = lambda b: self.guest("iperf", b)
        else:
            host = ["redis-server", "--bind", HOST_IP, "--protected-mode", "no", "--save", "",
                    "--appendonly", "yes", "--appendfsync", "everysec", "--dir", self.tmp]
            g = lambda b: (open(kv_disk, "w").truncate(64 << 20), self.guest("kv", b, ["--block:data=" + kv_disk]))[1]
        return [("host", self.srv, host, HOST_IP), ("seccomp", self.ns, g("seccomp"), GUEST_IP),
                ("kvm", self.ns, g("kvm"), GUEST_IP)]

    def wait_port(self, addr, port, p, limit=5.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if p.poll() is not None:
                return False
            r = subprocess.run(["ip", "netns", "exec", self.ns, "python3", "-c",
                                "import socket,sys; socket.create_connection((sys.argv[1], %d), 0.2)" % port, addr],
                               capture_output=True)
            if r.returncode == 0:
                return True
            time.sleep(0.05)
        return False

    def client(self, cmd, timeout):
        r = subprocess.run(["ip", "netns", "exec", self.ns] + cmd, capture_output=True, text=True, timeout=timeout)
        return r.stdout + r.stderr

    # ---- measurements ------------------------------------------------------------------
    def measure(self, what, port, run_client):
        res = {}
        for label, ns, cmd, addr in self.servers(what):
            if not shutil.which(cmd[0]) and not os.path.exists(cmd[0]):
                self.missing.append("%s %s: %s is not installed (make deps)" % (what, label, cmd[0]))
                continue
            p = self.start(ns, cmd)
            try:
                if not self.wait_port(addr, port, p):
                    self.missing.append("%s %s: the server did not listen on %s:%d" % (what, label, addr, port))
                    continue
                fig = run_client(addr)
                if fig is None:
                    self.missing.append("%s %s: the client reported nothing" % (what, label))
                else:
                    res[label] = fig
            except subprocess.TimeoutExpired:
                self.missing.append("%s %s: the client timed out" % (what, label))
            finally:
                self.stop(p)
        self.data[what] = res

    def wrk(self, addr):
        out = self.client(["wrk", "-t", "2", "-c", "30", "-d", "3s" if self.quick else "10s", "--latency",
                           "http://%s:8080/index.html" % addr], 60)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        lat = {k: re.search(r"^\s+%s%%\s+([\d.]+)(us|ms|s)\b" % k, out, re.M) for k in ("50", "99")}
        if not rps or not all(lat.values()) or re.search(r"Non-2xx", out):
            return None
        scale = {"us": 1e-3, "ms": 1.0, "s": 1e3}
        return {"rps": float(rps.group(1)), **{"p%s_ms" % k: float(m.group(1)) * scale[m.group(2)]
                                               for k, m in lat.items()}}

    def iperf(self, addr):
        out = self.client(["iperf", "-c", addr, "-t", "3" if self.quick else "10", "-f", "m"], 60)
        m = re.findall(r"([\d.]+) Mbits/sec", out)
        return {"mbit_s": float(m[-1])} if m else None

    def redis(self, addr):
        n = "30000" if self.quick else "100000"
        out = self.client(["redis-benchmark", "-h", addr, "-c", "30", "-n", n, "-P", "16", "-t", "set,get", "-q"], 120)
        out = out.replace("\r", "\n")
        figs = {op.lower(): float(v) for op, v in re.findall(r"^(SET|GET): ([\d.]+) requests per second", out, re.M)}
        return figs if len(figs) == 2 else None

    def first_answer(self):
        """ms from exec to the first HTTP 200 for / (fresh server each run), best and median."""
        runs = 5 if self.quick else 15
        res = {}
        for label, ns, cmd, addr in self.servers("httpd"):
            times = []
            for _ in range(runs):
                probe = ("import socket,sys,time\n"
                         "end=time.monotonic()+5\n"
                         "while time.monotonic()<end:\n"
                         "  try:\n"
                         "    s=socket.create_connection((sys.argv[1],8080),0.005)\n"
                         "    s.sendall(b'GET /index.html HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'); s.settimeout(1)\n"
                         "    if s.recv(16).startswith(b'HTTP/1.1 200'): sys.exit(0)\n"
                         "  except OSError: pass\n"
                         "sys.exit(1)\n")
                # The probe starts first and the server is exec'd right after: time from the
                # server's exec to the probe's exit.
                prober = subprocess.Popen(["ip", "netns", "exec", self.ns, "python3", "-c", probe, addr])
                time.sleep(0.3)  # python is up and probing
                t0 = time.monotonic()
                p = self.start(ns, cmd)
                ok = prober.wait(10) == 0
                t1 = time.monotonic()
                self.stop(p)
                if not ok:
                    self.missing.append("start-up %s: no answer" % label)
                    break
                times.append((t1 - t0) * 1e3)
            if times:
                times.sort()
                res[label] = {"best_ms": times[0], "median_ms": times[len(times) // 2], "runs": len(times)}
        self.data["first_answer"] = res

    def run(self):
        self.setup()
        self.measure("httpd", 8080, self.wrk)
        self.measure("iperf", 5001, self.iperf)
        self.measure("kv", 6379, self.redis)
        self.first_answer()


def run(build, quick):
    """Returns (results, missing). Needs root (network namespaces) and the Debian clients."""
    if os.geteuid() != 0:
        return {}, ["apps: needs root for network namespaces"]
    for tool in ("wrk", "iperf", "redis-benchmark", "nginx", "redis-server"):
        if not shutil.which(tool):
            return {}, ["apps: %s is not installed (make deps)" % tool]
    a = Apps(build, quick)
    try:
        a.run()
    except (subprocess.SubprocessError, OSError) as e:
        a.missing.append("apps: %s" % e)
    finally:
        a.cleanup()
    return a.data, a.missing


def _ratio(v, base):
    return "-" if v is None or not base else "%.2f×" % (v / base)


def print_apps(d, w):
    """The application table: each backend against the host baseline, then seccomp vs kvm."""
    if not d:
        return
    w("\napplications (ratio to the host baseline in the same run; docs/performance.md, \"Applications\")\n")
    w("  %-34s %12s %18s %18s\n" % ("figure", "host", "seccomp", "kvm"))
    rows = [("httpd requests/s (wrk, 30 conn)", "httpd", "rps"), ("httpd p50 latency, ms", "httpd", "p50_ms"),
            ("httpd p99 latency, ms", "httpd", "p99_ms"), ("iperf Mbit/s", "iperf", "mbit_s"),
            ("kv SET ops/s (30 conn, -P 16)", "kv", "set"), ("kv GET ops/s (30 conn, -P 16)", "kv", "get"),
            ("start-up to first answer, ms", "first_answer", "median_ms")]
    for name, part, key in rows:
        r = d.get(part, {})
        host = r.get("host", {}).get(key)
        cells = []
        for be in ("seccomp", "kvm"):
            v = r.get(be, {}).get(key)
            cells.append("-" if v is None else "%.4g (%s)" % (v, _ratio(v, host)))
        w("  %-34s %12s %18s %18s\n" % (name, "-" if host is None else "%.4g" % host, *cells))
    w("\nseccomp vs kvm (Nabla's claim: 101-245 % more throughput, 30-370 % lower start-up latency)\n")
    for name, part, key, higher in (("httpd throughput", "httpd", "rps", True), ("iperf throughput", "iperf", "mbit_s", True),
                                    ("kv SET throughput", "kv", "set", True), ("kv GET throughput", "kv", "get", True),
                                    ("start-up to first answer", "first_answer", "median_ms", False)):
        r = d.get(part, {})
        s, k = r.get("seccomp", {}).get(key), r.get("kvm", {}).get(key)
        if s is None or not k:
            w("  %-26s -\n" % name)
        elif higher:
            w("  %-26s seccomp/kvm %.2f× (%+.0f %% throughput)\n" % (name, s / k, (s / k - 1) * 100))
        else:
            w("  %-26s seccomp/kvm %.2f× (%.0f %% lower latency)\n" % (name, s / k, (1 - s / k) * 100))
