#!/usr/bin/env python3
"""Driver of benchmark/run.sh (issue 4): measures the gateway against nginx as a plain reverse proxy.

Python 3.11 standard library only. Everything runs on 127.0.0.1 on free ports; every process this
script starts is recorded in <work>/pids ("pid name" per line, for run.sh's trap) and stopped by
PID when the script ends, whatever happened. Every wait is bounded.

Processes (CPU pinning when the machine has 2 or more cores):
  load side, CPU 0 : wrk (1 thread), upstream nginx (1 worker, "hello world"), etcd, this driver
  under test, CPU 1: the gateway (bin/apisix start), or the reference nginx proxy (1 worker)

Scenarios (see benchmark/README.md): (a) 1 route, (b) 10k-route mix, (c) (b) + key-auth,
limit-count, prometheus (skipped when the build has no plugins), (d) change-to-served latency,
(e) cold start, (f) heap per route, and the JMH benchmarks (router match, rebuild after one change).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HOME = Path(__file__).resolve().parent.parent  # the project (bin/apisix, target/apigw.jar)
BENCH = HOME / "benchmark"
ADMIN_KEY = "bench-admin-key-5f1c9a0e7d3b"
ETCD_PREFIX = "/apisix"
HELLO = "hello world"


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(what: str, timeout: float, check, interval: float = 0.05):
    """Calls check() until it returns a truthy value; raises after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - any failure means "not yet"
            last_error = e
        time.sleep(interval)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(values)
    k = max(0, min(len(s) - 1, int(round(p / 100.0 * len(s) + 0.5)) - 1))
    return s[k]


# ---------------------------------------------------------------------------------------------
# processes


class Procs:
    """Every process the benchmark starts, by PID; stop() and stop_all() end them by PID only."""

    def __init__(self, work: Path, load_cpu: str | None, sut_cpu: str | None):
        self.work = work
        self.pidfile = work / "pids"
        self.load_cpu = load_cpu
        self.sut_cpu = sut_cpu
        self.procs: dict[str, subprocess.Popen] = {}
        self.extra: dict[str, int] = {}  # pids we did not fork ourselves (the gateway daemon)

    def pin(self, cmd: list[str], side: str) -> list[str]:
        cpu = self.sut_cpu if side == "sut" else self.load_cpu
        return (["taskset", "-c", cpu] + cmd) if cpu is not None else cmd

    def _record(self) -> None:
        lines = [f"{p.pid} {name}" for name, p in self.procs.items() if p.poll() is None]
        lines += [f"{pid} {name}" for name, pid in self.extra.items()]
        self.pidfile.write_text("\n".join(lines) + "\n")

    def start(self, name: str, cmd: list[str], side: str, logfile: Path) -> subprocess.Popen:
        out = open(logfile, "ab")
        p = subprocess.Popen(self.pin(cmd, side), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self.procs[name] = p
        self._record()
        return p

    def adopt(self, name: str, pid: int) -> None:
        self.extra[name] = pid
        self._record()

    def forget(self, name: str) -> None:
        self.extra.pop(name, None)
        self.procs.pop(name, None)
        self._record()

    @staticmethod
    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        try:  # a zombie child counts as gone
            return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
        except (OSError, IndexError):
            return False

    @staticmethod
    def kill_pid(pid: int, sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline and Procs.alive(pid):
            time.sleep(0.05)
        if Procs.alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def stop(self, name: str) -> None:
        p = self.procs.get(name)
        if p is not None:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait(timeout=10)
        pid = self.extra.get(name)
        if pid is not None:
            self.kill_pid(pid)
        self.forget(name)

    def stop_all(self) -> None:
        for name in list(self.extra):
            self.stop(name)
        for name in list(self.procs):
            self.stop(name)


# ---------------------------------------------------------------------------------------------
# HTTP


class Http:
    """A keep-alive HTTP/1.1 client to one port (reconnects when the server closed the socket)."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.port = port
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: str | bytes | None = None, headers: dict | None = None):
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, data
            except (http.client.HTTPException, ConnectionError, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def get_once(port: int, path: str, host: str | None = None, timeout: float = 2.0):
    """One GET on a new connection: (status, body)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers={"Host": host} if host else {})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


# ---------------------------------------------------------------------------------------------
# the pieces: nginx (upstream and reference), etcd, gateway, wrk


NGINX_COMMON = """
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 10240; }}
http {{
  access_log off;
  keepalive_timeout 60s;
  keepalive_requests 1000000;
  client_body_temp_path {dir}/client_body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
{body}
}}
"""

UPSTREAM_BODY = """
  server {{
    listen 127.0.0.1:{port};
    location / {{
      default_type text/plain;
      return 200 "{hello}";
    }}
  }}
"""

REFERENCE_BODY = """
  upstream backend {{
    server 127.0.0.1:{upstream};
    keepalive 320;
    keepalive_requests 1000000;
    keepalive_timeout 60s;
  }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://backend;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }}
  }}
"""


def start_nginx(procs: Procs, name: str, body: str, port: int, side: str) -> None:
    d = procs.work / name
    d.mkdir(parents=True, exist_ok=True)
    conf = d / "nginx.conf"
    conf.write_text(NGINX_COMMON.format(dir=d, body=body))
    procs.start(name, ["nginx", "-e", str(d / "error.log"), "-p", str(d), "-c", str(conf), "-g", "daemon off;"],
                side, d / "stdout.log")
    wait_until(f"{name} on port {port}", 15, lambda: get_once(port, "/")[0] == 200)


class Etcd:
    def __init__(self, procs: Procs):
        self.procs = procs
        self.dir = procs.work / "etcd"
        self.port = free_port()
        self.peer = free_port()
        self.http = Http(self.port, timeout=60)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        peer = f"http://127.0.0.1:{self.peer}"
        self.procs.start(
            "etcd",
            ["etcd", "--name", "bench", "--data-dir", str(self.dir / "data"),
             "--listen-client-urls", self.endpoint, "--advertise-client-urls", self.endpoint,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", f"bench={peer}", "--log-level", "warn",
             "--max-txn-ops", "1024", "--max-request-bytes", str(16 * 1024 * 1024),
             "--quota-backend-bytes", str(4 * 1024 ** 3)],
            "load", self.dir / "etcd.log")
        wait_until("etcd health", 30, lambda: b'"true"' in get_once(self.port, "/health")[1])

    def stop(self) -> None:
        self.http.close()
        self.procs.stop("etcd")

    def _call(self, path: str, body: dict) -> dict:
        status, data = self.http.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"etcd {path}: {status} {data[:300]!r}")
        return json.loads(data)

    def wal_fsync(self) -> tuple[float, int]:
        """etcd's own etcd_disk_wal_fsync_duration_seconds: (sum in seconds, count) so far."""
        status, data = self.http.request("GET", "/metrics")
        if status != 200:
            raise RuntimeError(f"etcd /metrics: {status}")
        text = data.decode(errors="replace")
        total = re.search(r"(?m)^etcd_disk_wal_fsync_duration_seconds_sum (\S+)$", text)
        count = re.search(r"(?m)^etcd_disk_wal_fsync_duration_seconds_count (\S+)$", text)
        return (float(total.group(1)), int(float(count.group(1)))) if total and count else (0.0, 0)

    def put_many(self, kvs: list[tuple[str, bytes]], batch: int = 1000) -> None:
        """Puts keys in transactions of `batch` (one watch event batch each)."""
        b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
        for i in range(0, len(kvs), batch):
            ops = [{"requestPut": {"key": b64(k.encode()), "value": b64(v)}} for k, v in kvs[i:i + batch]]
            self._call("/v3/kv/txn", {"success": ops})


def route_mix(i: int) -> dict:
    """Route m<i> of the mix; keep in step with src/jmh/java/org/apigw/benchmarks/RouteMix.java."""
    r: dict = {"id": f"m{i}"}
    k = i % 4
    if k == 0:
        r["uri"] = f"/api/v1/s{i}/items"
        r["methods"] = ["GET", "POST"]
    elif k == 1:
        r["uri"] = f"/static/s{i}/*"
    elif k == 2:
        r["uri"] = f"/users/:uid/s{i}/orders"
    else:
        r["uri"] = f"/host/s{i}"
        r["hosts"] = [f"h{i}.example.com"]
    r["upstream_id"] = "1"
    r["create_time"] = r["update_time"] = 1700000000
    return r


def mix_request(i: int) -> tuple[str, str]:
    """(path, host) that route m<i> serves (host empty: any)."""
    k = i % 4
    if k == 0:
        return f"/api/v1/s{i}/items", ""
    if k == 1:
        return f"/static/s{i}/css/site.css", ""
    if k == 2:
        return f"/users/42/s{i}/orders", ""
    return f"/host/s{i}", f"h{i}.example.com"


class Gateway:
    """The gateway through bin/apisix, in its own prefix dir; its daemon pid is adopted by Procs."""

    def __init__(self, procs: Procs, etcd: Etcd, router: str):
        self.procs = procs
        self.etcd = etcd
        self.router = router
        self.prefix = procs.work / "gateway"
        self.port = free_port()
        self.admin_port = free_port()
        self.control_port = free_port()
        self.metrics_port = free_port()  # not APISIX's 9091: another gateway may be running here
        self.pid: int | None = None
        self.fresh = True  # started and not yet warmed up
        self.admin = Http(self.admin_port)
        self.control = Http(self.control_port)

    def write_config(self, startup_timeout: int = 5) -> None:
        conf = {
            "apisix": {
                "node_listen": [{"ip": "127.0.0.1", "port": self.port}],
                "enable_control": True,
                "control": {"ip": "127.0.0.1", "port": self.control_port},
                "router": {"http": self.router},
            },
            "nginx_config": {"error_log_level": "info"},
            "plugin_attr": {"prometheus": {"export_addr": {"ip": "127.0.0.1", "port": self.metrics_port}}},
            "deployment": {
                "admin": {
                    "admin_listen": {"ip": "127.0.0.1", "port": self.admin_port},
                    "admin_key": [{"name": "admin", "key": ADMIN_KEY, "role": "admin"}],
                },
                "etcd": {"host": [self.etcd.endpoint], "prefix": ETCD_PREFIX,
                         "startup_timeout": startup_timeout, "resync_delay": 1},
            },
        }
        (self.prefix / "conf").mkdir(parents=True, exist_ok=True)
        # YAML is a superset of JSON
        (self.prefix / "conf" / "config.yaml").write_text(json.dumps(conf, indent=2) + "\n")

    def start_cmd(self) -> list[str]:
        return self.procs.pin([str(HOME / "bin" / "apisix"), "start", "-c", str(self.prefix / "conf" / "config.yaml"),
                               "-p", str(self.prefix)], "sut")

    def _adopt_pid(self) -> None:
        self.fresh = True
        pidfile = self.prefix / "logs" / "apisix.pid"
        self.pid = int(wait_until("gateway pid file", 10, lambda: pidfile.read_text().strip()))
        self.procs.adopt("gateway", self.pid)

    def start(self, startup_timeout: int = 5) -> None:
        self.write_config(startup_timeout)
        r = subprocess.run(self.start_cmd(), capture_output=True, text=True, timeout=180)
        if r.returncode != 0:
            raise RuntimeError(f"bin/apisix start exited {r.returncode}:\n{r.stdout}{r.stderr}\n{self.log_tail()}")
        self._adopt_pid()

    def cold_start(self, path: str, host: str, startup_timeout: int = 5, timeout: float = 90) -> float:
        """Seconds from running bin/apisix start to the first 200 on path (polled every 5 ms)."""
        self.write_config(startup_timeout)
        out = open(self.prefix / "start.out", "ab")
        self.t0_wall = time.time()
        t0 = time.monotonic()
        cli = subprocess.Popen(self.start_cmd(), stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        out.close()
        self.procs.procs["apisix-cli"] = cli
        try:
            def served():
                try:
                    return get_once(self.port, path, host, timeout=1.0)[0] == 200
                except OSError:
                    return False
            wait_until(f"first 200 on {path} after start", timeout, served, interval=0.005)
            elapsed = time.monotonic() - t0
            rc = cli.wait(timeout=120)
            if rc != 0:
                raise RuntimeError(f"bin/apisix start exited {rc}; see {self.prefix / 'start.out'}")
        finally:
            if cli.poll() is None:
                cli.kill()
                cli.wait(timeout=10)
            self.procs.forget("apisix-cli")
        self._adopt_pid()
        return elapsed

    LOG_LINE = re.compile(r"^(\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{3}) \[[^\]]*\] \[(\w+)\] (.*)$")

    def timeline(self, since: float, pattern: str = r"loaded|started|snapshot|etcd") -> list[str]:
        """Gateway log lines (matching pattern) written since the wall time `since`, as '+1.23 s msg'."""
        f = self.prefix / "logs" / "error.log"
        out = []
        if not f.exists():
            return out
        for line in f.read_text(errors="replace").splitlines():
            m = self.LOG_LINE.match(line)
            if not m:
                continue
            t = dt.datetime.strptime(m.group(1), "%Y/%m/%d %H:%M:%S.%f").timestamp()
            if t >= since - 0.001 and re.search(pattern, m.group(3), re.I):
                out.append(f"+{t - since:.2f} s {m.group(3)[:160]}")
        return out[:8]

    def log_summary(self, top: int = 8) -> tuple[dict, list[tuple[int, str]]]:
        """Counts of log levels, and the most frequent WARN/ERROR messages (digits folded to N)."""
        f = self.prefix / "logs" / "error.log"
        levels: dict[str, int] = {}
        msgs: dict[str, int] = {}
        if f.exists():
            for line in f.read_text(errors="replace").splitlines():
                m = self.LOG_LINE.match(line)
                if m:
                    levels[m.group(2)] = levels.get(m.group(2), 0) + 1
                    if m.group(2) in ("WARN", "ERROR"):
                        key = f"[{m.group(2)}] " + re.sub(r"\d+", "N", m.group(3))[:150]
                        msgs[key] = msgs.get(key, 0) + 1
                elif line.startswith("java.") or line.startswith("io."):
                    key = "(stack trace) " + re.sub(r"\d+", "N", line)[:150]
                    msgs[key] = msgs.get(key, 0) + 1
        return levels, sorted(((n, m) for m, n in msgs.items()), reverse=True)[:top]

    def cpus(self) -> str:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith("Cpus_allowed_list"):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "?"

    def stop(self) -> None:
        self.admin.close()
        self.control.close()
        if self.pid is None:
            return
        try:
            subprocess.run([str(HOME / "bin" / "apisix"), "stop", "-p", str(self.prefix)],
                           capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:
            pass
        self.procs.stop("gateway")  # by pid, if bin/apisix stop did not end it
        self.pid = None

    def log_tail(self, n: int = 40) -> str:
        f = self.prefix / "logs" / "error.log"
        return "\n".join(f.read_text(errors="replace").splitlines()[-n:]) if f.exists() else "(no error.log)"

    def admin_call(self, method: str, path: str, body: dict | None = None):
        status, data = self.admin.request(method, "/apisix/admin" + path, json.dumps(body) if body is not None else None,
                                          {"X-API-KEY": ADMIN_KEY, "Content-Type": "application/json"})
        return status, data.decode(errors="replace")

    def put(self, path: str, body: dict) -> None:
        status, text = self.admin_call("PUT", path, body)
        if status not in (200, 201):
            raise RuntimeError(f"Admin PUT {path}: {status} {text}")

    def config_state(self) -> dict:
        status, data = self.control.request("GET", "/v1/config")
        if status != 200:
            raise RuntimeError(f"control /v1/config: {status}")
        return json.loads(data)

    def wait_routes(self, n: int, timeout: float = 300) -> None:
        wait_until(f"gateway to serve {n} routes", timeout,
                   lambda: self.config_state()["counts"].get("routes", 0) == n, interval=0.2)

    def heap_used_kb(self) -> int:
        """Used heap after two full GCs (jcmd GC.run, then GC.heap_info)."""
        for _ in range(2):
            subprocess.run(["jcmd", str(self.pid), "GC.run"], capture_output=True, timeout=60, check=True)
        out = subprocess.run(["jcmd", str(self.pid), "GC.heap_info"], capture_output=True, text=True,
                             timeout=60, check=True).stdout
        # one "<space> total NK, used NK" line per heap space: G1 has one for the whole heap,
        # Parallel and Serial one per generation (PSYoungGen + ParOldGen); metaspace is not heap
        used = [int(m.group(2)) for m in re.finditer(r"(?m)^\s*([A-Za-z][\w -]*?)\s+total \d+K, used (\d+)K", out)
                if "Metaspace" not in m.group(1) and "class space" not in m.group(1)]
        if not used:
            raise RuntimeError(f"no '<space> total NK, used NK' in GC.heap_info: {out}")
        return sum(used)


class Wrk:
    def __init__(self, procs: Procs, threads: int = 1):
        self.procs = procs
        self.threads = threads
        self.script = BENCH / "wrk-report.lua"
        self.n = 0

    def cmd(self, url: str, conns: int, duration: str, headers: list[str]) -> list[str]:
        cmd = ["wrk", f"-t{self.threads}", f"-c{conns}", f"-d{duration}", "--latency", "--timeout", "5s",
               "-s", str(self.script)]
        for h in headers:
            cmd += ["-H", h]
        return self.procs.pin(cmd + [url], "load")

    @staticmethod
    def env(targets: list[tuple[str, str]] | None) -> dict:
        env = dict(os.environ)
        env.pop("BENCH_TARGETS", None)
        if targets:
            env["BENCH_TARGETS"] = ";".join(f"{p}|{h}" for p, h in targets)
        return env

    def run(self, port: int, conns: int, seconds: int, path: str = "/hello",
            targets: list[tuple[str, str]] | None = None, headers: list[str] = ()) -> dict:
        self.n += 1
        logfile = self.procs.work / "wrk" / f"{self.n:03d}.out"
        logfile.parent.mkdir(exist_ok=True)
        r = subprocess.run(self.cmd(f"http://127.0.0.1:{port}{path}", conns, f"{seconds}s", list(headers)),
                           capture_output=True, text=True, timeout=seconds + 60, env=self.env(targets))
        logfile.write_text(r.stdout + r.stderr)
        return self.parse(r.stdout, logfile)

    def start_background(self, port: int, conns: int, path: str = "/hello") -> tuple[subprocess.Popen, Path]:
        """wrk for up to 15 minutes; stop it with stop_background (SIGINT makes wrk report)."""
        self.n += 1
        logfile = self.procs.work / "wrk" / f"{self.n:03d}-background.out"
        logfile.parent.mkdir(exist_ok=True)
        out = open(logfile, "w")
        p = subprocess.Popen(self.cmd(f"http://127.0.0.1:{port}{path}", conns, "900s", []), stdout=out,
                             stderr=subprocess.STDOUT, env=self.env(None))
        out.close()
        self.procs.procs["wrk-background"] = p
        return p, logfile

    def stop_background(self, p: subprocess.Popen, logfile: Path) -> dict:
        p.send_signal(signal.SIGINT)
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)
        self.procs.forget("wrk-background")
        return self.parse(logfile.read_text(), logfile)

    @staticmethod
    def parse(out: str, logfile: Path) -> dict:
        m = re.search(r"^WRKJSON (\{.*\})$", out, re.M)
        if not m:
            raise RuntimeError(f"wrk printed no WRKJSON line; see {logfile}:\n{out[-2000:]}")
        d = json.loads(m.group(1))
        d["rps"] = d["requests"] / (d["duration_us"] / 1e6) if d["duration_us"] else 0.0
        d["errors"] = d["err_connect"] + d["err_read"] + d["err_write"] + d["err_status"] + d["err_timeout"]
        d["log"] = str(logfile)
        return d


# ---------------------------------------------------------------------------------------------
# the benchmark


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work).resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        cores = os.cpu_count() or 1
        self.cores = cores
        if cores >= 2 and not args.no_pin:
            load_cpu, sut_cpu = "0", "1"
            self.pinning = ("pinned with taskset: wrk, the upstream nginx, etcd and this driver on CPU 0; "
                            "the system under test (gateway, or reference nginx proxy) on CPU 1")
        else:
            load_cpu = sut_cpu = None
            self.pinning = f"not pinned ({cores} core(s){', --no-pin' if args.no_pin else ''}): everything shares the CPUs"
        self.procs = Procs(self.work, load_cpu, sut_cpu)
        self.upstream_port = free_port()
        self.reference_port = free_port()
        self.etcd = Etcd(self.procs)
        self.gw = Gateway(self.procs, self.etcd, args.router)
        self.wrk = Wrk(self.procs)
        self.rows: list[dict] = []      # throughput rows
        self.chain_rows: list[dict] = []  # (g) plugin chain cost rows
        self.runs: list[dict] = []      # every wrk run
        self.config: dict = {}          # (d), (e), (f) results
        self.notes: list[str] = []
        self.log_levels: dict = {}
        self.log_top: list = []
        self.jmh: list[dict] = []
        self.started = time.monotonic()

    # -- set-up ----------------------------------------------------------------------------------

    def setup(self) -> None:
        log(self.pinning)
        start_nginx(self.procs, "upstream", UPSTREAM_BODY.format(port=self.upstream_port, hello=HELLO),
                    self.upstream_port, "load")
        start_nginx(self.procs, "reference", REFERENCE_BODY.format(port=self.reference_port, upstream=self.upstream_port),
                    self.reference_port, "sut")
        status, body = get_once(self.reference_port, "/hello")
        if (status, body.decode()) != (200, HELLO):
            raise RuntimeError(f"reference nginx answered {status} {body!r}")
        self.etcd.start()
        log(f"upstream nginx :{self.upstream_port}, reference nginx :{self.reference_port}, etcd :{self.etcd.port}")

    def upstream_body(self) -> dict:
        return {"type": "roundrobin", "nodes": {f"127.0.0.1:{self.upstream_port}": 1}}

    # -- throughput ----------------------------------------------------------------------------

    def compare(self, scenario: str, gw_path: str = "/hello", targets=None, headers=()) -> None:
        """Warm-up, then alternations of gateway and reference at each connection count."""
        a = self.args
        for name, port in (("gateway", self.gw.port), ("nginx", self.reference_port)):
            # a gateway just started needs longer for the JIT to settle than a warm one
            seconds = max(a.warmup, a.jit_warmup) if name == "gateway" and self.gw.fresh else a.warmup
            log(f"{scenario}: warm-up {name} {seconds} s")
            self.wrk.run(port, max(a.conns), seconds, gw_path, targets, headers)
            if name == "gateway":
                self.gw.fresh = False
        results = {}
        for alt in range(a.alternations):
            for conns in a.conns:
                for name, port in (("gateway", self.gw.port), ("nginx", self.reference_port)):
                    r = self.wrk.run(port, conns, a.duration, gw_path, targets, headers)
                    r.update(scenario=scenario, target=name, conns=conns, alternation=alt + 1)
                    self.runs.append(r)
                    results.setdefault((conns, name), []).append(r)
                    log(f"{scenario} c={conns} {name:8s} #{alt + 1}: {r['rps']:9.0f} req/s  "
                        f"p50 {r['p50'] / 1000:.2f} ms  p99 {r['p99'] / 1000:.2f} ms  errors {r['errors']}")
        for conns in a.conns:
            g, n = results[(conns, "gateway")], results[(conns, "nginx")]
            row = {"scenario": scenario, "conns": conns}
            for key, rs in (("gw", g), ("ng", n)):
                row[f"{key}_rps"] = statistics.mean(r["rps"] for r in rs)
                row[f"{key}_p50"] = statistics.mean(r["p50"] for r in rs) / 1000
                row[f"{key}_p99"] = statistics.mean(r["p99"] for r in rs) / 1000
                row[f"{key}_errors"] = sum(r["errors"] for r in rs)
            row["rps_ratio"] = row["gw_rps"] / row["ng_rps"] if row["ng_rps"] else 0.0
            row["p99_ratio"] = row["gw_p99"] / row["ng_p99"] if row["ng_p99"] else 0.0
            self.rows.append(row)

    def chain_cost(self) -> None:
        """(g) The same gateway, the same run: /hello without plugins against /plugins with
        key-auth + limit-count + prometheus, alternated at each connection count."""
        a = self.args
        if not self.add_plugins_route():
            return
        paths = (("none", "/hello", ()), ("chain", "/plugins", ("apikey: bench-key",)))
        for _, path, headers in paths:
            self.wrk.run(self.gw.port, max(a.conns), a.warmup, path, None, headers)
        results = {}
        for alt in range(a.alternations):
            for conns in a.conns:
                for label, path, headers in paths:
                    r = self.wrk.run(self.gw.port, conns, a.duration, path, None, headers)
                    r.update(scenario="(g) chain cost", target=f"gateway {label}", conns=conns, alternation=alt + 1)
                    self.runs.append(r)
                    results.setdefault((conns, label), []).append(r)
                    log(f"(g) c={conns} {label:6s} #{alt + 1}: {r['rps']:9.0f} req/s  p99 {r['p99'] / 1000:.2f} ms  "
                        f"errors {r['errors']}")
        for conns in a.conns:
            row = {"conns": conns}
            for label in ("none", "chain"):
                rs = results[(conns, label)]
                row[f"{label}_rps"] = statistics.mean(r["rps"] for r in rs)
                row[f"{label}_p99"] = statistics.mean(r["p99"] for r in rs) / 1000
                row[f"{label}_errors"] = sum(r["errors"] for r in rs)
            row["ratio"] = row["chain_rps"] / row["none_rps"] if row["none_rps"] else 0.0
            # the gateway is pinned to one CPU and saturated: 1/rps is its CPU time per request
            row["added_us"] = (1e6 / row["chain_rps"] - 1e6 / row["none_rps"]) if row["chain_rps"] and row["none_rps"] else 0.0
            self.chain_rows.append(row)
        # the later scenarios count routes: leave the gateway as (a) had it; (c) adds the route again
        self.gw.admin_call("DELETE", "/routes/plugins")

    def add_plugins_route(self) -> bool:
        """PUTs /plugins (key-auth, limit-count, prometheus) and its consumer; False when the build lacks them."""
        route = {"uri": "/plugins", "upstream_id": "1", "plugins": {
            "key-auth": {},
            "limit-count": {"count": 2000000000, "time_window": 60, "rejected_code": 503, "key": "remote_addr"},
            "prometheus": {}}}
        status, text = self.gw.admin_call("PUT", "/routes/plugins", route)
        if status == 400 and "unknown plugin" in text:
            reason = "skipped: plugins not available in this build"
            log(f"plugin scenarios: {reason} (Admin API: {status} {text.strip()})")
            self.config["c_skipped"] = f"{reason} (Admin API answered {status} {text.strip()})"
            return False
        if status not in (200, 201):
            raise RuntimeError(f"Admin PUT /routes/plugins answered {status} {text}")
        self.gw.put("/consumers", {"username": "bench", "plugins": {"key-auth": {"key": "bench-key"}}})
        wait_until("GET /plugins served", 10,
                   lambda: get_once_headers(self.gw.port, "/plugins", {"apikey": "bench-key"}) == 200)
        return True

    def check_served(self, path: str, host: str = "") -> None:
        status, body = get_once(self.gw.port, path, host or None)
        if status != 200 or body.decode() != HELLO:
            raise RuntimeError(f"gateway GET {path} (Host {host or '-'}) answered {status} {body[:200]!r}\n{self.gw.log_tail()}")

    # -- (d) change to served -----------------------------------------------------------------

    def change_latency(self, label: str, routes: int) -> None:
        a = self.args
        log(f"(d) at {label} routes: (a)'s load alone, {a.duration} s, c={a.change_conns}")
        base = self.wrk.run(self.gw.port, a.change_conns, a.duration)
        poll = Http(self.gw.port, timeout=5)
        if a.change_warmup:
            # the Admin API and etcd client paths are cold JIT-wise in a gateway that has only
            # proxied so far; like the proxy's warm-up, these changes are made and not counted
            log(f"(d) at {label} routes: warm-up, {a.change_warmup} changes not counted")
            for k in range(a.change_warmup):
                path = f"/chg/{label}/warm{k}"
                self.gw.put("/routes/chg", {"uri": path, "upstream_id": "1"})
                limit = time.perf_counter() + 10.0
                while poll.request("GET", path)[0] != 200 and time.perf_counter() < limit:
                    time.sleep(0.0005)
        lat, put_ms, failures = [], [], 0
        bg, bg_log = self.wrk.start_background(self.gw.port, a.change_conns)
        time.sleep(1.0)
        fsync_before = self.etcd.wal_fsync()
        deadline = time.monotonic() + a.change_budget
        try:
            for k in range(a.changes):
                if time.monotonic() > deadline:
                    self.notes.append(f"(d) at {label} routes stopped after {k} of {a.changes} changes "
                                      f"(time budget {a.change_budget} s)")
                    break
                path = f"/chg/{label}/{k}"
                t0 = time.perf_counter()
                self.gw.put("/routes/chg", {"uri": path, "upstream_id": "1"})
                t_put = time.perf_counter()
                put_ms.append((t_put - t0) * 1000)
                limit = t0 + 10.0
                while True:
                    status, _ = poll.request("GET", path)
                    now = time.perf_counter()
                    if status == 200:
                        lat.append((now - t0) * 1000)
                        break
                    if now > limit:
                        failures += 1
                        break
                    time.sleep(0.0005)
        finally:
            during = self.wrk.stop_background(bg, bg_log)
            poll.close()
        fsync_after = self.etcd.wal_fsync()
        fsyncs = fsync_after[1] - fsync_before[1]
        res = {
            "routes": routes, "changes": len(lat), "failures": failures,
            "p50": pct(lat, 50) if lat else None, "p99": pct(lat, 99) if lat else None,
            "max": max(lat) if lat else None, "put_p50": pct(put_ms, 50) if put_ms else None,
            # what etcd itself spent making each write durable: the floor under every PUT
            "fsync_mean": (fsync_after[0] - fsync_before[0]) / fsyncs * 1000 if fsyncs else None,
            "load_p99_without": base["p99"] / 1000, "load_p99_during": during["p99"] / 1000,
            "load_rps_without": base["rps"], "load_rps_during": during["rps"],
            "load_errors": base["errors"] + during["errors"],
        }
        self.config[f"d_{label}"] = res
        log(f"(d) at {label} routes: {len(lat)} changes, p50 {res['p50']:.1f} ms p99 {res['p99']:.1f} ms "
            f"(failures {failures}); (a) p99 {res['load_p99_without']:.2f} ms without, "
            f"{res['load_p99_during']:.2f} ms during")

    # -- scenarios -----------------------------------------------------------------------------

    def mix_keys(self, lo: int, hi: int) -> list[tuple[str, bytes]]:
        return [(f"{ETCD_PREFIX}/routes/m{i}", json.dumps(route_mix(i), separators=(",", ":")).encode())
                for i in range(lo, hi)]

    def mix_targets(self, n: int) -> list[tuple[str, str]]:
        base = (n // 2) // 4 * 4
        return [mix_request(base + k) for k in range(4)]

    def run(self) -> None:
        a = self.args
        self.setup()

        # fresh gateway, empty etcd: heap at 0 routes
        self.gw.start()
        self.config["gw_cpus"] = self.gw.cpus()
        log(f"gateway started (pid {self.gw.pid}, proxy :{self.gw.port}, admin :{self.gw.admin_port}, "
            f"CPUs {self.config['gw_cpus']})")
        self.config["f_heap_0"] = self.gw.heap_used_kb()
        log(f"(f) used heap at 0 routes: {self.config['f_heap_0']} KB")

        # (a) one route
        self.gw.put("/upstreams/1", self.upstream_body())
        self.gw.put("/routes/hello", {"uri": "/hello", "upstream_id": "1"})
        wait_until("GET /hello served", 10, lambda: get_once(self.gw.port, "/hello")[0] == 200)
        self.check_served("/hello")
        if self.want("a"):
            self.compare("(a) 1 route, no plugins")
        if self.want("g"):
            self.chain_cost()

        # (d) at 10 routes: /hello, 8 others, the changing one
        for i in range(8):
            self.gw.put(f"/routes/f{i}", {"uri": f"/filler/{i}", "upstream_id": "1"})
        self.gw.put("/routes/chg", {"uri": "/chg/start", "upstream_id": "1"})
        self.gw.wait_routes(10, 30)
        if self.want("d"):
            self.change_latency("10", 10)

        # 10k-route mix written to etcd with the gateway stopped; (e) cold start from etcd
        big = a.routes
        total_big = big + 10
        self.gw.stop()
        log(f"writing the {big}-route mix to etcd")
        self.etcd.put_many(self.mix_keys(0, big))
        tgt = self.mix_targets(big)
        self.cold_starts("e_etcd", tgt[0][0], tgt[0][1])
        log(f"(e) cold start with {total_big} routes from etcd: {self.config['e_etcd']:.2f} s")
        self.gw.wait_routes(total_big, 60)
        self.config["f_heap_big"] = self.gw.heap_used_kb()
        self.config["f_routes_big"] = total_big
        log(f"(f) used heap at {total_big} routes: {self.config['f_heap_big']} KB")
        for p, h in tgt:
            self.check_served(p, h)

        # (b) the mix, wrk cycling through one route of each kind
        if self.want("b"):
            self.compare(f"(b) {big // 1000}k routes", targets=tgt)

        # (c) (b) + key-auth, limit-count, prometheus
        if self.want("c"):
            self.plugins_scenario(big)

        # (d) at 10k
        if self.want("d"):
            self.change_latency(f"{big // 1000}k", total_big)

        # (e) from the snapshot: etcd stopped
        self.gw.stop()
        self.etcd.stop()
        log("etcd stopped; cold start from the snapshot (startup_timeout 1 s)")
        self.cold_starts("e_snapshot", tgt[0][0], tgt[0][1], startup_timeout=1)
        log(f"(e) cold start with {total_big} routes from the snapshot: {self.config['e_snapshot']:.2f} s")
        self.config["e_snapshot_source"] = self.gw.config_state().get("source")
        self.gw.stop()
        self.etcd.start()

        # 100k
        if a.huge > 0 and (self.want("d") or self.want("f")):
            huge = a.huge
            total_huge = huge + 10
            log(f"writing {huge - big} more routes to etcd ({huge} in the mix)")
            self.etcd.put_many(self.mix_keys(big, huge))
            tgt_h = self.mix_targets(huge)
            self.config["f_routes_huge"] = total_huge
            self.config["e_etcd_huge"] = self.gw.cold_start(tgt_h[0][0], tgt_h[0][1], startup_timeout=60, timeout=180)
            self.config["e_etcd_huge_timeline"] = self.gw.timeline(self.gw.t0_wall)
            log(f"cold start with {total_huge} routes from etcd: {self.config['e_etcd_huge']:.2f} s")
            self.gw.wait_routes(total_huge, 120)
            self.config["f_heap_huge"] = self.gw.heap_used_kb()
            log(f"(f) used heap at {total_huge} routes: {self.config['f_heap_huge']} KB")
            log(f"warm-up before (d) at {huge // 1000}k")
            self.wrk.run(self.gw.port, a.change_conns, max(a.warmup, a.jit_warmup))
            self.gw.fresh = False
            self.change_latency(f"{huge // 1000}k", total_huge)
        self.gw.stop()

    def cold_starts(self, key: str, path: str, host: str, **kw) -> None:
        """(e): --starts cold starts, the median kept under key (a single start on this 2-core
        machine spread by +-0.3 s); the gateway of the last start keeps running."""
        samples = []
        for k in range(self.args.starts):
            if k:
                self.gw.stop()
            samples.append(self.gw.cold_start(path, host, **kw))
        self.config[key] = pct(samples, 50)
        self.config[key + "_samples"] = samples
        self.config[key + "_timeline"] = self.gw.timeline(self.gw.t0_wall)

    def want(self, scenario: str) -> bool:
        """--only: the scenarios to measure; the set-up the later ones need always runs."""
        return not self.args.only or scenario in self.args.only

    def plugins_scenario(self, big: int) -> None:
        name = f"(c) {big // 1000}k routes + key-auth, limit-count, prometheus"
        if "c_skipped" in self.config:
            return
        if self.add_plugins_route():
            self.compare(name, gw_path="/plugins", headers=("apikey: bench-key",))
            # the later scenarios count routes, as after chain_cost
            self.gw.admin_call("DELETE", "/routes/plugins")

    # -- JMH -----------------------------------------------------------------------------------

    def run_jmh(self) -> None:
        if self.args.no_jmh:
            self.notes.append("JMH benchmarks not run (--no-jmh)")
            return
        out = self.work / "jmh.json"
        jmh_args = f"RouterMatchBenchmark|ConfigRebuildBenchmark -rf json -rff {out}"
        if self.args.jmh_quick:
            jmh_args += " -wi 1 -i 2 -w 1 -r 1"
        cmd = self.procs.pin(["mvn", "-B", "-ntp", "-q", "-Pbenchmark", "exec:exec", f"-Djmh.args={jmh_args}"], "sut")
        log("JMH: " + " ".join(cmd))
        with open(self.work / "jmh.log", "w") as f:
            r = subprocess.run(cmd, cwd=HOME, stdout=f, stderr=subprocess.STDOUT, timeout=1200)
        if r.returncode != 0 or not out.exists():
            self.notes.append(f"JMH failed (exit {r.returncode}); see {self.work / 'jmh.log'}")
            return
        for b in json.loads(out.read_text()):
            pm = b["primaryMetric"]
            self.jmh.append({
                "benchmark": b["benchmark"].rsplit(".", 2)[-2], "params": b.get("params", {}),
                "unit": pm["scoreUnit"], "mean": pm["score"],
                "p50": pm["scorePercentiles"]["50.0"], "p90": pm["scorePercentiles"]["90.0"],
                "p99": pm["scorePercentiles"]["99.0"]})


def get_once_headers(port: int, path: str, headers: dict) -> int:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        r.read()
        return r.status
    finally:
        c.close()


# ---------------------------------------------------------------------------------------------
# report


def fsync_note(d: dict) -> str:
    """etcd's mean WAL fsync during the changes, when the run measured it."""
    return f" (etcd WAL fsync mean {d['fsync_mean']:.1f} ms)" if d.get("fsync_mean") is not None else ""


def samples_note(config: dict, key: str) -> str:
    samples = config.get(key + "_samples", [])
    return f" (median of {len(samples)}: {', '.join(f'{x:.2f}' for x in samples)})" if len(samples) > 1 else ""


def fmt_ms(v) -> str:
    return "–" if v is None else f"{v:.2f} ms"


def met(ok) -> str:
    return "–" if ok is None else ("**met**" if ok else "**not met**")


def versions() -> dict:
    def first_line(cmd):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            return (r.stdout + r.stderr).strip().splitlines()[0]
        except Exception:  # noqa: BLE001
            return "?"
    commit = first_line(["git", "-C", str(HOME), "log", "-1", "--format=%h %s"])
    dirty = subprocess.run(["git", "-C", str(HOME), "status", "--porcelain", "--", "src/main"],
                           capture_output=True, text=True).stdout.strip()
    cpu = "?"
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                   if l.startswith("model name"))
    except Exception:  # noqa: BLE001
        pass
    mem = "?"
    try:
        mem = f"{int(Path('/proc/meminfo').read_text().split()[1]) // 1024 // 1024} GB"
    except Exception:  # noqa: BLE001
        pass
    return {
        "commit": commit + (" (src/main modified)" if dirty else ""),
        "java": first_line(["java", "-version"]),
        "nginx": first_line(["nginx", "-v"]),
        "wrk": first_line(["wrk", "--version"]).split(" [")[0],
        "etcd": first_line(["etcd", "--version"]),
        "cpu": f"{os.cpu_count()} × {cpu}, {mem} RAM",
        "load": " ".join(Path("/proc/loadavg").read_text().split()[:3]),
    }


def build_targets(b: Bench) -> list[dict]:
    """One row per issue-4 target: what, measured, target, met (True/False/None)."""
    t = []
    rows = {(r["scenario"][:3], r["conns"]): r for r in b.rows}
    ra = rows.get(("(a)", 64))
    if ra:
        t.append({"what": "(a) req/s vs nginx, 64 conns", "measured": f"{ra['rps_ratio']:.2f}×", "target": "≥ 1.0×",
                  "met": ra["rps_ratio"] >= 1.0, "ratio": 1.0 / ra["rps_ratio"] if ra["rps_ratio"] else None})
        t.append({"what": "(a) p99 vs nginx, 64 conns", "measured": f"{ra['p99_ratio']:.2f}×", "target": "≤ 1.5×",
                  "met": ra["p99_ratio"] <= 1.5, "ratio": ra["p99_ratio"] / 1.5})
    rc = rows.get(("(c)", 64))
    if rc:
        t.append({"what": "(c) req/s vs nginx, 64 conns", "measured": f"{rc['rps_ratio']:.2f}×", "target": "≥ 0.8×",
                  "met": rc["rps_ratio"] >= 0.8, "ratio": 0.8 / rc["rps_ratio"] if rc["rps_ratio"] else None})
    else:
        t.append({"what": "(c) req/s vs nginx, 64 conns", "measured": b.config.get("c_skipped", "not run").split(" (")[0],
                  "target": "≥ 0.8×", "met": None, "ratio": None})
    match = {(j["params"].get("kind"), int(j["params"]["routes"])): j for j in b.jmh if j["benchmark"] == "RouterMatchBenchmark"}
    for kind in sorted({k for k, _ in match}):
        lo, hi = match.get((kind, 1000)), match.get((kind, 100000))
        if hi:
            t.append({"what": f"router match p50 at 100k ({kind})", "measured": f"{hi['p50']:.0f} ns", "target": "< 1 µs",
                      "met": hi["p50"] < 1000, "ratio": hi["p50"] / 1000})
        if lo and hi:
            growth = hi["p50"] / lo["p50"] if lo["p50"] else float("inf")
            t.append({"what": f"router match flat 1k→100k ({kind})",
                      "measured": f"p50 {lo['p50']:.0f} → {hi['p50']:.0f} ns ({growth:.1f}×); p90 {lo['p90']:.0f} → {hi['p90']:.0f} ns",
                      "target": "p50 and p90 at 100k ≤ 2× those at 1k",
                      "met": growth <= 2 and hi["p90"] <= 2 * lo["p90"], "ratio": max(growth, hi["p90"] / lo["p90"]) / 2})
    rebuild = {int(j["params"]["routes"]): j for j in b.jmh if j["benchmark"] == "ConfigRebuildBenchmark"}
    if 100000 in rebuild:
        r = rebuild[100000]
        t.append({"what": "rebuild after one change at 100k", "measured": f"{r['p50']:.3g} ms (p50)", "target": "< 50 ms",
                  "met": r["p50"] < 50, "ratio": r["p50"] / 50})
    for key, label, limit in (("d_10", "10", 10), ("d_100k", "100k", 50), ("d_10k", "10k", None)):
        d = b.config.get(key)
        if d and d["p99"] is not None and limit is not None:
            t.append({"what": f"(d) change→served p99 at {label} routes", "measured": f"{d['p99']:.1f} ms",
                      "target": f"< {limit} ms", "met": d["p99"] < limit and d["failures"] == 0, "ratio": d["p99"] / limit})
    if "e_etcd" in b.config:
        t.append({"what": f"(e) cold start, {b.config.get('f_routes_big')} routes, from etcd",
                  "measured": f"{b.config['e_etcd']:.2f} s", "target": "< 1.5 s", "met": b.config["e_etcd"] < 1.5,
                  "ratio": b.config["e_etcd"] / 1.5})
    if "e_snapshot" in b.config:
        t.append({"what": f"(e) cold start, {b.config.get('f_routes_big')} routes, from snapshot",
                  "measured": f"{b.config['e_snapshot']:.2f} s", "target": "< 1 s", "met": b.config["e_snapshot"] < 1.0,
                  "ratio": b.config["e_snapshot"] / 1.0})
    per = heap_per_route(b)
    if per is not None:
        t.append({"what": f"(f) heap per route ({b.config['f_routes_big']} routes)", "measured": f"{per:.0f} B",
                  "target": "< 2 KB", "met": per < 2048, "ratio": per / 2048})
    return t


def heap_per_route(b: Bench, key: str = "big"):
    if f"f_heap_{key}" not in b.config or "f_heap_0" not in b.config:
        return None
    return (b.config[f"f_heap_{key}"] - b.config["f_heap_0"]) * 1024 / b.config[f"f_routes_{key}"]


def report(b: Bench, out_dir: Path, stamp: str) -> Path:
    a = b.args
    v = versions()
    L = []
    L.append(f"# apigw benchmark, {stamp}")
    L.append("")
    L.append("Produced by `make bench` (benchmark/run.sh). Numbers from a shared machine are noisy; compare runs, "
             "not single digits.")
    L.append("")
    L.append(f"- machine: {v['cpu']}; load average at the end {v['load']}")
    L.append(f"- **CPU pinning: {b.pinning}**")
    L.append(f"- gateway: {v['commit']}; router `{a.router}`; JVM options `{os.environ.get('APIGW_JVM_OPTS', '(bin/apisix default)')}`")
    L.append(f"- reference: {v['nginx']}, 1 worker, plain reverse proxy (keepalive 320 to the upstream); "
             f"upstream: the same nginx, 1 worker, `return 200 \"{HELLO}\"`")
    L.append(f"- load: {v['wrk']}, 1 thread, `-d {a.duration}s --latency`; {a.warmup} s warm-up per target ({a.jit_warmup} s for a gateway just started), then "
             f"{a.alternations} alternations gateway/nginx per connection count; the table shows the mean of the "
             "alternations (raw runs at the end)")
    L.append(f"- config store: {v['etcd']}; {v['java']}")
    L.append("")
    L.append("## Proxying: gateway vs nginx")
    L.append("")
    L.append("| scenario | conns | gateway req/s | p50 | p99 | nginx req/s | p50 | p99 | req/s ratio | p99 ratio | errors gw / nginx |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in b.rows:
        L.append(f"| {r['scenario']} | {r['conns']} | {r['gw_rps']:,.0f} | {fmt_ms(r['gw_p50'])} | {fmt_ms(r['gw_p99'])} | "
                 f"{r['ng_rps']:,.0f} | {fmt_ms(r['ng_p50'])} | {fmt_ms(r['ng_p99'])} | {r['rps_ratio']:.2f}× | "
                 f"{r['p99_ratio']:.2f}× | {r['gw_errors']} / {r['ng_errors']} |")
    if "c_skipped" in b.config:
        L.append(f"| (c) {a.routes // 1000}k routes + key-auth, limit-count, prometheus | "
                 f"{', '.join(map(str, a.conns))} | {b.config['c_skipped']} | – | – | – | – | – | – | – | – |")
    L.append("")
    if b.chain_rows:
        L.append("## Plugin chain cost: the same gateway, the same run")
        L.append("")
        L.append("(g) `/hello` without plugins against `/plugins` with key-auth + limit-count (local) + prometheus, "
                 "alternated on the gateway of (a). The gateway is pinned to one CPU and saturated, so 1/(req/s) is its "
                 "CPU time per request; the last column is what the chain adds.")
        L.append("")
        L.append("| conns | no plugins req/s | p99 | chain req/s | p99 | req/s ratio | CPU µs added per request | errors |")
        L.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in b.chain_rows:
            L.append(f"| {r['conns']} | {r['none_rps']:,.0f} | {fmt_ms(r['none_p99'])} | {r['chain_rps']:,.0f} | "
                     f"{fmt_ms(r['chain_p99'])} | {r['ratio']:.2f}× | {r['added_us']:.1f} | "
                     f"{r['none_errors']} / {r['chain_errors']} |")
        L.append("")
    L.append(f"(b) and (c) also hold the 10 routes of (a)/(d). (b)'s wrk cycles through 4 routes from the middle of the mix, "
             "one of each kind: exact `/api/v1/s<i>/items` (GET, POST), prefix `/static/s<i>/*`, parameter "
             "`/users/:uid/s<i>/orders`, host `/host/s<i>` + `h<i>.example.com`; nginx gets the same requests.")
    L.append("")
    L.append("## Config changes, start-up, memory")
    L.append("")
    L.append("| measure | routes | result |")
    L.append("|---|---:|---|")
    for key in sorted((k for k in b.config if k.startswith("d_")), key=lambda k: b.config[k]["routes"]):
        d = b.config[key]
        if d["p50"] is None:
            L.append(f"| (d) change → served | {d['routes']:,} | no change was served ({d['failures']} timed out) |")
            continue
        L.append(f"| (d) change → served (Admin PUT to first routed request), {d['changes']} changes after "
                 f"{a.change_warmup} not counted | {d['routes']:,} | "
                 f"p50 {d['p50']:.1f} ms, p99 {d['p99']:.1f} ms, max {d['max']:.1f} ms; Admin PUT alone p50 "
                 f"{d['put_p50']:.1f} ms{fsync_note(d)}; {d['failures']} not served within 10 s |")
        L.append(f"| (a)'s load (c={a.change_conns}) without / during the changes | {d['routes']:,} | p99 "
                 f"{d['load_p99_without']:.2f} / {d['load_p99_during']:.2f} ms; req/s {d['load_rps_without']:,.0f} / "
                 f"{d['load_rps_during']:,.0f}; wrk errors {d['load_errors']} |")
    if "e_etcd" in b.config:
        L.append(f"| (e) cold start from etcd (`bin/apisix start` → first 200) | {b.config['f_routes_big']:,} | "
                 f"{b.config['e_etcd']:.2f} s{samples_note(b.config, 'e_etcd')} |")
    if "e_snapshot" in b.config:
        L.append(f"| (e) cold start from the snapshot, etcd stopped, `startup_timeout: 1` | {b.config['f_routes_big']:,} | "
                 f"{b.config['e_snapshot']:.2f} s{samples_note(b.config, 'e_snapshot')} (served from: {b.config.get('e_snapshot_source')}) |")
    if "e_etcd_huge" in b.config:
        L.append(f"| cold start from etcd (extra) | {b.config['f_routes_huge']:,} | {b.config['e_etcd_huge']:.2f} s |")
    if "f_heap_0" in b.config:
        L.append(f"| (f) used heap after full GC (`jcmd GC.run`, `GC.heap_info`) | 0 | {b.config['f_heap_0'] / 1024:.1f} MB |")
    for key in ("big", "huge"):
        if f"f_heap_{key}" in b.config:
            L.append(f"| (f) used heap after full GC; per route | {b.config[f'f_routes_{key}']:,} | "
                     f"{b.config[f'f_heap_{key}'] / 1024:.1f} MB; {heap_per_route(b, key):,.0f} B per route |")
    L.append("")
    for key, label in (("e_etcd_timeline", "from etcd"), ("e_snapshot_timeline", "from the snapshot"),
                       ("e_etcd_huge_timeline", f"from etcd, {b.config.get('f_routes_huge', 0):,} routes")):
        if b.config.get(key):
            L.append(f"Cold start {label}, gateway log since `bin/apisix start` (bin/apisix starts the node JVM itself):")
            L.append("")
            L.append("```")
            L.extend(b.config[key])
            L.append("```")
            L.append("")
    if b.jmh:
        L.append("## JMH (pinned to the system-under-test CPU, gateway stopped)")
        L.append("")
        L.append("| benchmark | router | routes | p50 | p90 | p99 | mean |")
        L.append("|---|---|---:|---:|---:|---:|---:|")
        for j in sorted(b.jmh, key=lambda j: (j["benchmark"], j["params"].get("kind", ""), int(j["params"]["routes"]))):
            u = j["unit"].replace("/op", "")
            L.append(f"| {j['benchmark']} | {j['params'].get('kind', 'radixtree_uri_with_parameter')} | "
                     f"{int(j['params']['routes']):,} | {j['p50']:.3g} {u} | {j['p90']:.3g} {u} | {j['p99']:.3g} {u} | "
                     f"{j['mean']:.3g} {u} |")
        L.append("")
        L.append("RouterMatchBenchmark: one `Router.build(kind, specs).match(view)` per call over 1024 requests aimed at "
                 "random routes of the mix (SampleTime; includes ~20 ns of timer). ConfigRebuildBenchmark: "
                 "`ConfigStore.apply(revision, List.of(oneChangedRoute))` with `new ResourceCodec(PluginCatalog.NONE)`.")
        L.append("")
    L.append("## Targets (issue 4)")
    L.append("")
    L.append("| target | measured | wanted | |")
    L.append("|---|---|---|---|")
    for t in build_targets(b):
        L.append(f"| {t['what']} | {t['measured']} | {t['target']} | {met(t['met'])} |")
    L.append("")
    L.append(f"![ratios]({stamp}.png)")
    L.append("")
    L.append("## Gateway log over the whole run")
    L.append("")
    L.append("Lines per level: " + (", ".join(f"{k} {v}" for k, v in sorted(b.log_levels.items())) or "none") +
             f". The gateway ran on CPUs {b.config.get('gw_cpus', '?')} (Cpus_allowed_list).")
    if b.log_top:
        L.append("")
        L.append("| count | most frequent WARN / ERROR messages (digits as N) |")
        L.append("|---:|---|")
        for n, m in b.log_top:
            L.append(f"| {n} | `{m.replace('|', '/')}` |")
    L.append("")
    if b.notes:
        L.append("## Notes")
        L.append("")
        for n in b.notes:
            L.append(f"- {n}")
        L.append("")
    L.append("## Raw wrk runs")
    L.append("")
    L.append("| scenario | target | conns | # | req/s | p50 | p90 | p99 | p99.9 | max | errors (connect/read/write/status/timeout) |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in b.runs:
        L.append(f"| {r['scenario']} | {r['target']} | {r['conns']} | {r['alternation']} | {r['rps']:,.0f} | "
                 f"{fmt_ms(r['p50'] / 1000)} | {fmt_ms(r['p90'] / 1000)} | {fmt_ms(r['p99'] / 1000)} | "
                 f"{fmt_ms(r['p999'] / 1000)} | {fmt_ms(r['max'] / 1000)} | {r['err_connect']}/{r['err_read']}/"
                 f"{r['err_write']}/{r['err_status']}/{r['err_timeout']} |")
    L.append("")
    L.append(f"Total time {(time.monotonic() - b.started) / 60:.1f} min.")
    md = out_dir / f"{stamp}.md"
    md.write_text("\n".join(L) + "\n")
    return md


def short(what: str) -> str:
    return what.replace("radixtree_uri_with_parameter", "uri_with_param").replace("radixtree_host_uri", "host_uri")


def chart(b: Bench, out_dir: Path, stamp: str) -> Path | None:
    """Two panels: gateway/nginx ratios per scenario, and measured/target for every target."""
    png = out_dir / f"{stamp}.png"
    data1 = b.work / "ratios.dat"
    lines = []
    for r in b.rows:
        label = f"{r['scenario'].split(',')[0]}, {r['conns']} conns"
        lines.append(f"\"{label}\" {r['rps_ratio']:.4f} {r['p99_ratio']:.4f}")
    data1.write_text("\n".join(lines) + "\n")
    targets = [t for t in build_targets(b) if t.get("ratio") is not None]
    data2 = b.work / "targets.dat"
    data2.write_text("\n".join(
        f"\"{short(t['what'])}\" {min(t['ratio'], 10):.4f} {0 if t['met'] else 1} {t['ratio']:.4f}" for t in targets) + "\n")
    skipped = "   [(c) skipped: plugins not available in this build]" if "c_skipped" in b.config else ""
    n2 = max(1, len(targets))
    height = 560 + 30 * n2
    gp = f"""
set terminal pngcairo size 1300,{height} font "DejaVu Sans,11"
set termoption noenhanced
set output "{png}"
set multiplot layout 2,1 title "apigw vs nginx reverse proxy, {stamp}   (CPU pinning: {'yes' if b.procs.sut_cpu else 'no'})" font ",14"
set title "Proxying, gateway / nginx: req/s (higher is better), p99 (lower is better){skipped}"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set yrange [0:*]
set ylabel "gateway / nginx"
set xtics rotate by -15 scale 0
set key top right
set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 lc rgb "#333333" front
plot "{data1}" using 2:xtic(1) title "req/s ratio (target (a) >= 1.0, (c) >= 0.8)" lc rgb "#3366cc", \\
     "" using 3 title "p99 ratio (target (a) <= 1.5)" lc rgb "#dc8a1e", \\
     "" using 0:2:(sprintf("%.2f", $2)) with labels offset -2.2,0.7 notitle, \\
     "" using 0:3:(sprintf("%.2f", $3)) with labels offset 2.2,0.7 notitle
unset arrow 1
unset xtics
unset style
set title "Issue-4 targets: measured / target (req/s: target / measured), 1 or less is met; green met, red not (bars capped at 10)"
set xtics
set xrange [0:11]
set yrange [{n2}-0.4:-0.6]
set ytics scale 0
set grid xtics noytics
set ylabel ""
set key off
set arrow 2 from first 1, graph 0 to first 1, graph 1 nohead dt 2 lw 2 lc rgb "#333333" front
plot "{data2}" using ($2*0.5):0:($2*0.5):(0.35):($3 == 0 ? 0x2e9e4f : 0xd0342c):ytic(1) with boxxyerror fs solid 0.85 lc rgb variable, \\
     "" using 2:0:(sprintf(" %.2f", $4)) with labels left
unset multiplot
"""
    script = b.work / "chart.gp"
    script.write_text(gp)
    if shutil.which("gnuplot") is None:
        b.notes.append("gnuplot not found: no chart")
        return None
    r = subprocess.run(["gnuplot", str(script)], capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        b.notes.append(f"gnuplot failed: {r.stderr.strip()[:300]}")
        return None
    return png


# ---------------------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", required=True, help="scratch dir for logs, data dirs, pids")
    p.add_argument("--out", default=str(BENCH / "results"), help="where <date>.md and <date>.png go")
    p.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    p.add_argument("--warmup", type=int, default=5, help="seconds of warm-up per target and scenario")
    p.add_argument("--jit-warmup", type=int, default=15, help="seconds of warm-up for a gateway just started")
    p.add_argument("--alternations", type=int, default=2)
    p.add_argument("--conns", default="16,64", help="connection counts")
    p.add_argument("--routes", type=int, default=10000, help="routes of (b), (c), (e), (f)")
    p.add_argument("--huge", type=int, default=100000, help="routes of the large (d) and (f) run; 0 skips it")
    p.add_argument("--starts", type=int, default=3, help="cold starts per (e) measure; the median is reported")
    p.add_argument("--changes", type=int, default=200, help="route changes per (d) run")
    p.add_argument("--change-conns", type=int, default=16, help="connections of (a)'s load during (d)")
    p.add_argument("--change-warmup", type=int, default=300, help="route changes made before each (d) run and not counted")
    p.add_argument("--change-budget", type=int, default=240, help="seconds at most per (d) run")
    p.add_argument("--router", default="radixtree_uri_with_parameter", help="apisix.router.http of the gateway")
    p.add_argument("--only", default="", help="comma-separated scenarios to measure (a,b,c,d,g; e and f always run)")
    p.add_argument("--no-pin", action="store_true", help="do not pin processes to CPUs")
    p.add_argument("--no-jmh", action="store_true")
    p.add_argument("--jmh-quick", action="store_true", help="short JMH iterations (smoke test)")
    args = p.parse_args()
    args.conns = [int(c) for c in args.conns.split(",")]
    args.only = {s.strip() for s in args.only.split(",") if s.strip()}

    b = Bench(args)

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    failed = None
    try:
        b.run()
    except Exception as e:  # noqa: BLE001 - report what we have, then fail
        failed = e
        b.notes.append(f"the run FAILED: {e}")
        log(f"FAILED: {e}")
        if b.gw.pid:
            log("gateway error.log tail:\n" + b.gw.log_tail())
    finally:
        b.gw.stop()
        b.procs.stop_all()
    b.log_levels, b.log_top = b.gw.log_summary()
    if failed is None:
        b.run_jmh()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y-%m-%d-%H%M")
    png = chart(b, out, stamp)
    md = report(b, out, stamp)
    print()
    print(md.read_text())
    log(f"results: {md}" + (f", chart: {png}" if png else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
