"""The load: wrk for single-request scenarios, examples/bench_client.rs for the workflow and
the fill, and the kernel's count of accepted connections around each run."""

import json
import os
import statistics
import subprocess
import uuid

from .servers import RELEASE, ROOT, cpu_seconds

SCRIPT = os.path.join(ROOT, "bench", "wrk.lua")
CLIENT = os.path.join(RELEASE, "examples", "bench_client")
WORKFLOW = os.path.join(ROOT, "bench", "workflow.json")


def passive_opens():
    """TCP connections accepted so far by any listener in this network namespace
    (/proc/net/snmp, Tcp PassiveOpens). Read around a run it says how many connections the
    load generator needed: about c when the target keeps connections alive, about one per
    request when it closes them."""
    with open("/proc/net/snmp") as f:
        tcp = [line.split() for line in f if line.startswith("Tcp:")]
    header, values = tcp[0], tcp[1]
    return int(values[header.index("PassiveOpens")])


def wrk(base, path, scenario, concurrency, duration, ids_file="", names=0, tenants=0, pid=None):
    """One wrk run (always two threads, as the issue's table was measured). The 10 s timeout
    keeps a slow peer's tail measured as latency rather than dropped as timeouts. With the
    server's `pid`, also its CPU time per request over the run (`cpu_us`): what each request
    costs the server, whatever else the machine was doing.

    `base` may be a list of replicas on one database: one wrk per replica at once, the
    concurrency split between them, `pid` a list whose CPU time is summed. Requests and
    errors add up; the latencies are the worst replica's (wrk's histograms cannot be merged
    from its summary), so they are upper bounds."""
    bases = [base] if isinstance(base, str) else base
    pids = [pid] if isinstance(pid, int) else (pid or [])
    run_id = uuid.uuid4().hex[:8]  # names never repeat across runs against one database
    shares = [concurrency // len(bases) + (i < concurrency % len(bases)) for i in range(len(bases))]
    opened = passive_opens()
    cpu = sum(cpu_seconds(p) for p in pids)
    runs = [
        subprocess.Popen(["wrk", "-t2", f"-c{share}", f"-d{duration}s", "--timeout", "10s", "--latency",
                          "-s", SCRIPT, f"{b}{path}", "--", scenario, ids_file, str(names), f"{run_id}{i}",
                          str(tenants)], stdout=subprocess.PIPE, text=True)
        for i, (b, share) in enumerate(zip(bases, shares))
    ]
    parts = []
    try:
        for run in runs:
            out, _ = run.communicate()
            if run.returncode:
                raise RuntimeError(f"wrk exited with {run.returncode}")
            line = next(l for l in out.splitlines() if l.startswith("BENCH_JSON "))
            parts.append(json.loads(line[len("BENCH_JSON "):]))
    finally:
        for run in runs:  # one failed: the others are not left loading the server
            if run.poll() is None:
                run.kill()
                run.wait()
    cpu = sum(cpu_seconds(p) for p in pids) - cpu
    opened = passive_opens() - opened
    result = {key: sum(part[key] for part in parts) for key in parts[0] if not key.endswith("_us")}
    result.update({key: max(part[key] for part in parts) for key in parts[0] if key.endswith("_us")})
    result["rps"] = sum(part["requests"] / (part["duration_us"] / 1e6) for part in parts)
    result["requests_each"] = [part["requests"] for part in parts]
    result["connections_opened"] = opened
    result["concurrency"] = concurrency
    result["run_id"] = run_id
    if pids:
        result["cpu_us"] = cpu * 1e6 / max(1, result["requests"])
    return result


def workflow(base, concurrency, duration, skip, pid=None):
    """`base` one server, or a list of replicas a workflow's steps go to in turn; `pid` one
    process or a list whose CPU time is summed."""
    run_id = uuid.uuid4().hex[:8]
    bases = [base] if isinstance(base, str) else base
    argv = [CLIENT, "workflow", *[a for b in bases for a in ("--base", b)], "--steps", WORKFLOW,
            "--skip", ",".join(skip), "--concurrency", str(concurrency), "--duration", str(duration),
            "--run", run_id]
    pids = [pid] if isinstance(pid, int) else (pid or [])
    opened = passive_opens()
    cpu = sum(cpu_seconds(p) for p in pids)
    done = subprocess.run(argv, capture_output=True, text=True)
    if pids:
        cpu = sum(cpu_seconds(p) for p in pids) - cpu
    opened = passive_opens() - opened
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"bench_client workflow failed: {done.stderr.strip()}")
    result = json.loads(line[len("BENCH_JSON "):])
    result["rps"] = result["workflows"] / (result["duration_us"] / 1e6)
    result["connections_opened"] = opened
    result["concurrency"] = concurrency
    if pid:
        result["cpu_us"] = cpu * 1e6 / max(1, result["requests"])
    return result


def fill(base, count, concurrency=16, path=None, body=None, ids_file=None):
    """`count` creates through the API (not rows written into the database behind the
    emulator's back), so their timestamps and createdBy are the emulator's own and every
    index sees real, distinct values. By default packages 'bench package NNNNNN'; else
    POSTs of `body` (JSON text; `{n}` the row's number, `{id}` a line of `ids_file`) to
    `path`."""
    argv = [CLIENT, "fill", "--base", base, "--count", str(count), "--concurrency", str(concurrency)]
    for flag, value in (("--path", path), ("--body", body), ("--ids", ids_file)):
        if value is not None:
            argv += [flag, value]
    done = subprocess.run(argv, capture_output=True, text=True)
    line = next((l for l in done.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"bench_client fill failed: {done.stderr.strip()}")
    result = json.loads(line[len("BENCH_JSON "):])
    if done.returncode != 0 or result["errors"]:
        raise RuntimeError(f"fill: {result['errors']} failed creates, first: {result['first_failure']}")
    return result


def median_row(samples):
    """One cell of a table from the runs of every round: the median of each figure, errors
    and requests summed (an error in any round is an error)."""
    return {
        "rounds": len(samples),
        "rps": statistics.median(s["rps"] for s in samples),
        "p50_ms": statistics.median(s["p50_us"] for s in samples) / 1000,
        "p99_ms": statistics.median(s["p99_us"] for s in samples) / 1000,
        "max_ms": max(s["max_us"] for s in samples) / 1000,
        "errors": sum(s["errors"] for s in samples),
        "requests": sum(s.get("requests", 0) for s in samples),
        "rps_each": [round(s["rps"]) for s in samples],
        "cpu_us": (statistics.median(s["cpu_us"] for s in samples)
                   if all("cpu_us" in s for s in samples) else None),
    }
