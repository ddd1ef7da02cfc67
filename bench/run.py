#!/usr/bin/env python3
"""The benchmark: the release emulator and the ceiling server under the same wrk load.

Run through bench/run.sh, which installs wrk and builds the binaries first. Every figure is
taken in this one run, so the ratios emulator / ceiling hold on a noisy machine even when
the absolute numbers do not. Writes target/bench/report.json and target/bench/report.md.
"""

import argparse
import json
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMULATOR = os.path.join(ROOT, "target", "release", "entitlement-emulator")
CEILING = os.path.join(ROOT, "target", "release", "examples", "ceiling")
SCRIPT = os.path.join(ROOT, "bench", "wrk.lua")
PACKAGES = "/beta/identityGovernance/entitlementManagement/accessPackages"
CATALOGS = "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs"
GENERAL = "aa2f6514-3232-46e7-a08a-2411ad8d7128"

TARGETS = {
    "create_c64_ratio": 0.25,
    "create_c16_p99_ms": 3.0,
    "start_ms": 15.0,
    "idle_rss_mb": 12.0,
    "loaded_rss_mb": 60.0,
    "eq_100k_p99_ms": 2.0,
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0


class Server:
    """A process serving HTTP on 127.0.0.1:port, its output kept in a log file."""

    def __init__(self, argv, port, log_path, env=None):
        self.port = port
        self.log = open(log_path, "ab")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=os.path.dirname(log_path)
        )

    def wait_for_2xx(self, path, timeout=10.0):
        """Polls with raw sockets (no client library start-up in the loop) every 0.2 ms;
        returns seconds from process start to the first 2xx. (A loop without the pause
        steals a core from the starting server and adds ~8 ms.)"""
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            "Authorization: Bearer bench\r\nConnection: close\r\n\r\n"
        ).encode()
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(request)
                    status = s.recv(12)
                    if status[9:10] == b"2":
                        return time.perf_counter() - self.started
            except OSError:
                pass
            time.sleep(0.0002)
        raise RuntimeError("server did not answer 2xx in time")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.process.returncode


def start_emulator(workdir, name, db_file=None):
    port = free_port()
    db = db_file or os.path.join(workdir, f"{name}.db")
    env = dict(os.environ)
    env.pop("RUST_LOG", None)
    argv = [EMULATOR, "--port", str(port), "--database", f"sqlite://{db}"]
    return Server(argv, port, os.path.join(workdir, f"{name}.log"), env=env)


def wrk(port, scenario, concurrency, duration, ids_file="", names=0):
    threads = 1 if concurrency == 1 else 2
    argv = [
        "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "--latency",
        "-s", SCRIPT, f"http://127.0.0.1:{port}{PACKAGES}", "--", scenario, ids_file, str(names), uuid.uuid4().hex[:8],
    ]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("BENCH_JSON "))
    result = json.loads(line[len("BENCH_JSON "):])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def create_ids(port, count):
    ids = []
    for i in range(count):
        body = json.dumps(
            {"catalogId": GENERAL, "displayName": f"get target {i}", "description": "read me"}
        ).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{PACKAGES}", data=body, method="POST",
            headers={"Content-Type": "application/json", "Authorization": "Bearer bench"},
        )
        with urllib.request.urlopen(request) as response:
            ids.append(json.load(response)["id"])
    return ids


def fill(db_file, count):
    """Adds `count` packages named 'bench package NNNNNN' straight into a stopped emulator's
    database: the listing scenarios need 100k rows, not a benchmark of loading them."""
    con = sqlite3.connect(db_file)
    now = "2026-11-28T00:00:00.0000000Z"
    with con:
        con.executemany(
            "INSERT INTO access_packages (id, catalog_id, display_name, description, is_hidden,"
            " is_role_scopes_visible, created_by, created_date_time, modified_by,"
            " modified_date_time) VALUES (?, ?, ?, ?, 0, 0, 'bench', ?, 'bench', ?)",
            (
                (str(uuid.uuid4()), GENERAL, f"bench package {i:06d}", f"row {i}", now, now)
                for i in range(count)
            ),
        )
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def row(name, concurrency, result, ceiling=None):
    entry = {
        "scenario": name,
        "concurrency": concurrency,
        "rps": round(result["rps"]),
        "p50_ms": result["p50_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["errors"],
        "requests": result["requests"],
    }
    if ceiling:
        entry["ratio"] = round(result["rps"] / ceiling[concurrency]["rps"], 3)
    print(
        f"  {name:<14} c={concurrency:<3} {entry['rps']:>8} req/s  p50 {entry['p50_ms']:.2f} ms"
        f"  p99 {entry['p99_ms']:.2f} ms  errors {entry['errors']}"
        + (f"  ratio {entry['ratio']:.3f}" if "ratio" in entry else ""),
        flush=True,
    )
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--packages", type=int, default=100_000, help="rows for list scenarios")
    parser.add_argument("--starts", type=int, default=7, help="cold starts to time")
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument(
        "--only", default="start,writes,lists", help="parts to run: start, writes, lists"
    )
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "bench"))
    args = parser.parse_args()
    if args.quick:
        args.duration, args.packages, args.starts = 1, 2_000, 2
    levels = [int(c) for c in args.concurrency.split(",")]
    os.makedirs(args.out, exist_ok=True)
    report = {"machine": machine(), "duration_s": args.duration, "runs": []}

    parts = set(args.only.split(","))
    report["start_ms"] = report["idle_rss_mb"] = report["loaded_rss_mb"] = None

    with tempfile.TemporaryDirectory(prefix="emulator-bench-") as workdir:
        if "start" in parts:
            cold_starts(report, workdir, args.starts)
        ceiling = None
        if parts & {"writes", "lists"}:
            ceiling = measure_ceiling(report, workdir, levels, args.duration)
        if "writes" in parts:
            writes(report, workdir, levels, args.duration, ceiling)
        if "lists" in parts:
            lists(report, workdir, levels, args.duration, ceiling, args.packages)

    report["targets"] = check(report)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(markdown(report))
    print(markdown(report))
    errors = sum(run["errors"] for run in report["runs"])
    return 1 if errors else 0


def cold_starts(report, workdir, count):
    print("cold starts (fresh database each)", flush=True)
    starts, idle = [], []
    for n in range(count):
        server = start_emulator(workdir, f"start{n}")
        starts.append(server.wait_for_2xx(CATALOGS) * 1000)
        time.sleep(0.3)
        idle.append(rss_mb(server.process.pid))
        server.stop()
    report["start_ms"] = {"median": statistics.median(starts), "min": min(starts), "max": max(starts)}
    report["idle_rss_mb"] = max(idle)
    print(f"  first 2xx after {report['start_ms']['median']:.1f} ms (median), idle RSS {max(idle):.1f} MB")


def measure_ceiling(report, workdir, levels, duration):
    print("ceiling (examples/ceiling.rs, canned 201)", flush=True)
    port = free_port()
    server = Server([CEILING, f"127.0.0.1:{port}"], port, os.path.join(workdir, "ceiling.log"))
    server.wait_for_2xx("/")
    ceiling = {}
    for c in levels:
        ceiling[c] = wrk(port, "create", c, duration)
        report["runs"].append(row("ceiling", c, ceiling[c]))
    server.stop()
    return ceiling


def loaded_rss(report, server):
    peak = rss_mb(server.process.pid, "VmHWM")
    report["loaded_rss_mb"] = max(report["loaded_rss_mb"] or 0, peak)


def writes(report, workdir, levels, duration, ceiling):
    print("emulator, fresh database", flush=True)
    runs = report["runs"]
    server = start_emulator(workdir, "writes")
    server.wait_for_2xx(CATALOGS)
    for c in levels:
        runs.append(row("create", c, wrk(server.port, "create", c, duration), ceiling))
    ids_file = os.path.join(workdir, "ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(create_ids(server.port, 500)) + "\n")
    for c in levels:
        runs.append(row("get", c, wrk(server.port, "get", c, duration, ids_file), ceiling))
    for c in levels[1:] or levels:
        runs.append(row("mixed 80/20", c, wrk(server.port, "mixed", c, duration, ids_file), ceiling))
    loaded_rss(report, server)
    report["writes_exit"] = server.stop()


def lists(report, workdir, levels, duration, ceiling, packages):
    print(f"emulator, {packages:,} packages", flush=True)
    runs = report["runs"]
    db_file = os.path.join(workdir, "list.db")
    server = start_emulator(workdir, "list-migrate", db_file)
    server.wait_for_2xx(CATALOGS)
    server.stop()
    fill(db_file, packages)
    server = start_emulator(workdir, "list", db_file)
    server.wait_for_2xx(CATALOGS)
    for c in levels:
        runs.append(row("list eq", c, wrk(server.port, "eq", c, duration, "", packages), ceiling))
    for c in levels[1:2] or levels:
        runs.append(row("list contains", c, wrk(server.port, "contains", c, duration), ceiling))
    loaded_rss(report, server)
    report["list_exit"] = server.stop()


def find(report, scenario, concurrency):
    return next((r for r in report["runs"] if r["scenario"] == scenario and r["concurrency"] == concurrency), None)


def check(report):
    results = []

    def target(name, measured, limit, higher_is_better=False):
        if measured is None:
            return
        ok = measured >= limit if higher_is_better else measured <= limit
        results.append({"target": name, "measured": round(measured, 3), "limit": limit, "met": ok})

    create64, create16, eq16 = find(report, "create", 64), find(report, "create", 16), find(report, "list eq", 16)
    if create64:
        target("create c=64 / ceiling", create64["ratio"], TARGETS["create_c64_ratio"], True)
        target("create c=64 errors", create64["errors"], 0)
    if create16:
        target("create c=16 p99 (ms)", create16["p99_ms"], TARGETS["create_c16_p99_ms"])
    if report["start_ms"]:
        target("start to first 2xx, median (ms)", report["start_ms"]["median"], TARGETS["start_ms"])
    target("idle RSS (MB)", report["idle_rss_mb"], TARGETS["idle_rss_mb"])
    target("peak RSS under load (MB)", report["loaded_rss_mb"], TARGETS["loaded_rss_mb"])
    if eq16:
        target("list eq c=16 p99 (ms)", eq16["p99_ms"], TARGETS["eq_100k_p99_ms"])
    return results


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"cpus": os.cpu_count(), "cpu": model, "kernel": os.uname().release}


def markdown(report):
    m = report["machine"]
    lines = [
        f"Machine: {m['cpus']} CPUs, {m['cpu']}, Linux {m['kernel']}; wrk over loopback, "
        f"{report['duration_s']} s per run.",
        "",
        "| scenario | c | req/s | ÷ ceiling | p50 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in report["runs"]:
        ratio = f"{r['ratio']:.3f}" if "ratio" in r else "1"
        lines.append(
            f"| {r['scenario']} | {r['concurrency']} | {r['rps']:,} | {ratio} | "
            f"{r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} |"
        )
    lines += ["", "| target | measured | limit | met |", "|---|---:|---:|:-:|"]
    for t in report["targets"]:
        lines.append(f"| {t['target']} | {t['measured']} | {t['limit']} | {'yes' if t['met'] else 'NO'} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
