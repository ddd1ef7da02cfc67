#!/usr/bin/env python3
"""The benchmark: the release emulator side by side with a true ceiling and its peers.

Run through bench/run.sh, which installs wrk (and, for the full run, the peers) and builds
the binaries first. Every figure comes from this one run, in interleaved rounds (each round
runs every target, in a rotated order), so the ratios hold on a noisy machine even when the
absolute numbers do not. Writes target/bench/report.json and target/bench/report.md.

Parts: starts (cold starts of the emulator), creates (every target, c=16 and c=64), reads
(get by id, displayName eq, contains and 80/20 mixed on 100k packages, against the ceiling
answering the same GETs), workflow (the provisioning sequence of bench/workflow.json),
tenants (a new tenant's cost, RSS after a thousand, creates spread over tenants), replicas
(creates and the workflow on PostgreSQL with 1 and 2 replicas beside SQLite), grown
(100,000 entities through the API, then the documented filters, the 30,000-member group and
the workflow beside a fresh database's).

Exit status: 0 all good; 1 a check failed (the figures cannot be believed: a wrk error, a
closed connection, a 2xx create that is not a stored row, an empty page); 3 the checks
passed but a target was missed (full run only).
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time

from benchlib import checks as check, grown, load, replicas, report as reporting, servers, tenants, workflow
from benchlib.checks import Checks

LEVELS = (16, 64)


def rotate(items, by):
    """Round r starts with a different target, so none always runs first (or last)."""
    by %= len(items)
    return items[by:] + items[:by]


def cold_starts(report, checks, workdir, count):
    """`count` starts on a fresh database timed to the first 2xx create (the request every
    target gets in the table) and `count` timed to the first 2xx list of catalogs (a read:
    no first commit in it). The binary is in the page cache by then, as it is for a test
    suite starting its tenth emulator."""
    print(f"cold starts of the emulator, a fresh database each ({count} to a create, {count} to a read)", flush=True)
    starts, idle = {"create": [], "read": []}, []
    for n in range(2 * count):
        kind = "create" if n % 2 == 0 else "read"
        folder = os.path.join(workdir, f"start{n}")
        os.makedirs(folder)
        server = servers.emulator(folder)
        try:
            starts[kind].append(server.wait_for_2xx(read=kind == "read"))
            time.sleep(1.0)  # idle: after start-up work, before any load
            idle.append(server.rss_mb())
        finally:
            code = server.stop()
        checks.add(f"cold start {n + 1}: SIGTERM exits 0", code == 0, f"exit {code}")
    report["starts"] = {
        "median_ms": statistics.median(starts["create"]), "all_ms": [round(s, 1) for s in starts["create"]],
        "read_median_ms": statistics.median(starts["read"]), "read_all_ms": [round(s, 1) for s in starts["read"]],
        "idle_rss_mib": max(idle),
    }
    print(f"  first 2xx create after {report['starts']['median_ms']:.1f} ms, first 2xx read after "
          f"{report['starts']['read_median_ms']:.1f} ms (medians); idle RSS {max(idle):.1f} MiB at worst", flush=True)


def show(server, label, c, result):
    cpu = f"  CPU {result['cpu_us']:6.1f} µs/req" if result.get("cpu_us") is not None else ""
    print(f"  {server.name:<40} {label:<18} c={c:<3} {result['rps']:>9,.0f}/s  p50 {result['p50_us'] / 1000:6.2f} ms"
          f"  p99 {result['p99_us'] / 1000:7.2f} ms{cpu}  errors {result['errors']}", flush=True)


def creates(report, checks, workdir, args):
    """Round after round: every target started fresh (timed to its first 2xx), its keep-alive
    proven, warmed up, then c=16 for every target and c=64 for every target, so a slow
    moment of the machine lands on all of them rather than on one."""
    factories = [servers.ceiling, servers.emulator] + (servers.PEER_FACTORIES if args.peers else [])
    samples = {}
    for r in range(args.rounds):
        print(f"create, round {r + 1} of {args.rounds} (load average {reporting.load_average():.1f})", flush=True)
        running, tally = [], {}
        try:
            for factory in rotate(factories, r):
                folder = os.path.join(workdir, f"creates-{r}-{factory.__name__}")
                os.makedirs(folder)
                server = factory(folder)
                running.append(server)
                server.wait_for_2xx()
                entry = samples.setdefault(server.name, {"kind": server.kind, "c16": [], "c64": [],
                                                         "start": [], "peak": [], "idle": []})
                entry["start"].append(server.start_ms)
                # Rows are counted from here: the start-up probe's create is already stored.
                counted = tally[server.name] = {"before": server.count_rows() if server.count_rows else None,
                                                "answered": 0, "in_flight": 0}
                ok, detail, answered = check.keep_alive(server)
                counted["answered"] += answered
                checks.add(f"{server.name}: keep-alive (round {r + 1})", ok, detail, fatal=server.kind != "peer")
                account(checks, server, counted, load.wrk(server.base, servers.PACKAGES, "create", 16, args.warmup),
                        "warm-up")
            for c in LEVELS:
                for server in running:  # already in this round's rotated order
                    result = load.wrk(server.base, servers.PACKAGES, "create", c, args.duration,
                                      pid=server.process.pid)
                    show(server, "create", c, result)
                    samples[server.name][f"c{c}"].append(result)
                    account(checks, server, tally[server.name], result, f"create c={c}")
            time.sleep(2.0)  # idle after the burst: what a test suite's emulator sits at between tests
            for server in running:
                samples[server.name]["idle"].append(server.rss_mb())
                samples[server.name]["peak"].append(server.peak_rss_mb())
                counted = tally[server.name]
                if server.count_rows:
                    check.rows_match(checks, server, counted["answered"], counted["in_flight"],
                                     counted["before"], check.settled_rows(server))
        finally:
            for server in running:
                code = server.stop()
                if server.kind != "peer":
                    checks.add(f"{server.name}: SIGTERM exits 0 (round {r + 1})", code == 0, f"exit {code}")
    report["creates"] = {
        name: {"kind": s["kind"], "c16": load.median_row(s["c16"]), "c64": load.median_row(s["c64"]),
               "start_ms": statistics.median(s["start"]), "peak_rss_mib": max(s["peak"]),
               "idle_after_burst_mib": max(s["idle"])}
        for name, s in samples.items() if s["c16"] and s["c64"]
    }


def account(checks, server, counted, result, what):
    """Counts a run's 2xx answers (wrk counts statuses of 400 and more as errors) and the
    requests that may still be in flight when wrk stops, at most one per connection; proves
    its connections were kept alive; and any error of the ceiling or the emulator fails the
    run (a peer's are shown in its row)."""
    counted["answered"] += result["requests"] - result["status_errors"]
    counted["in_flight"] += result["concurrency"]
    check.connections(checks, server, result, what)
    if server.kind != "peer" and result["errors"]:
        checks.add(f"{server.name}: {what} without errors", False, error_detail(result))


def error_detail(result):
    kinds = ("status_errors", "connect_errors", "read_errors", "write_errors", "timeouts")
    return ", ".join(f"{result[k]} {k.replace('_', ' ')}" for k in kinds if result.get(k))


READS = [("GET /_emulator/health", "health"), ("get by id", "get"), ("list displayName eq", "eq"),
         ("mixed 80 % get / 20 % create", "mixed")]


def reads(report, checks, workdir, args):
    """Fills a database with `packages` creates through the API, then runs each read scenario
    against the emulator on it and against the ceiling answering the same GETs."""
    folder = os.path.join(workdir, "reads")
    os.makedirs(folder)
    db = os.path.join(folder, "reads.db")
    print(f"reads: filling {args.packages:,} packages through the API", flush=True)
    server = servers.emulator(folder, db)
    try:
        server.wait_for_2xx()
        filled = load.fill(server.base, args.packages)
        stored = servers.count(server.base, servers.PACKAGES, "startswith(displayName,'bench package ')")
        checks.add("fill: every create stored", stored == args.packages,
                   f"{stored} of {args.packages} in {filled['duration_us'] / 1e6:.1f} s")
        ids = check.first_ids(server.base, 500)
    finally:
        server.stop()
    ids_file = os.path.join(folder, "ids.txt")
    with open(ids_file, "w") as f:
        f.write("\n".join(ids) + "\n")
    # Restarted, as a user's emulator would be on a database it filled yesterday.
    pair = [servers.ceiling(folder), servers.emulator(folder, db)]
    samples = {}
    try:
        for target in pair:
            target.wait_for_2xx()
            paths = [f"{servers.PACKAGES}/{i}" for i in ids]
            ok, detail, _ = check.keep_alive(target, "GET", paths)
            checks.add(f"{target.name}: keep-alive for GETs", ok, detail)
            for scenario in ("get", "eq"):
                load.wrk(target.base, servers.PACKAGES, scenario, 16, args.warmup, ids_file, args.packages)
        emulator = pair[1]
        check.reads_answer(checks, emulator, ids, args.packages, "before the runs")
        runs = [(label, name, c) for label, name in READS for c in LEVELS]
        runs.append(("contains (a scan)", "contains", 16))
        for r in range(args.rounds):
            print(f"reads, round {r + 1} of {args.rounds} (load average {reporting.load_average():.1f})", flush=True)
            for label, scenario, c in runs:
                for target in rotate(pair, r):
                    result = load.wrk(target.base, servers.PACKAGES, scenario, c, args.duration, ids_file, args.packages,
                                      pid=target.process.pid)
                    show(target, label, c, result)
                    check.connections(checks, target, result, f"{label} c={c}")
                    if result["errors"]:
                        checks.add(f"{target.name}: {label} c={c} without errors", False, error_detail(result))
                    samples.setdefault(label, {}).setdefault(c, {}).setdefault(target.kind, []).append(result)
        check.reads_answer(checks, emulator, ids, args.packages, "after the runs")
    finally:
        for target in pair:
            code = target.stop()
            checks.add(f"{target.name}: SIGTERM exits 0 (reads)", code == 0, f"exit {code}")
    report["reads"] = {
        label: {c: {kind: load.median_row(runs) for kind, runs in kinds.items()} for c, kinds in levels.items()}
        for label, levels in samples.items()
    }


def workflows(report, checks, workdir, args):
    folder = os.path.join(workdir, "workflow")
    os.makedirs(folder)
    pair = [servers.ceiling(folder), servers.emulator(folder)]
    samples = {}
    try:
        for target in pair:
            target.wait_for_2xx()
        emulator = pair[1]
        print("workflow: one careful run, then the timed ones", flush=True)
        skipped = workflow.probe(checks, emulator)
        if skipped is None:
            return
        before = (servers.count(emulator.base, servers.CATALOGS), servers.count(emulator.base, servers.PACKAGES))
        for target in pair:
            load.workflow(target.base, 16, args.warmup, skipped)
        for r in range(args.rounds):
            for target in rotate(pair, r):
                result = load.workflow(target.base, 16, args.duration, skipped, pid=target.process.pid)
                show(target, "workflows", 16, result)
                if result["errors"]:
                    checks.add(f"{target.name}: workflow steps answered as expected", False,
                               f"{result['errors']} unexpected, first: {result['first_failure']}")
                check.connections(checks, target, {**result, "requests": result["requests"]}, "workflow")
                samples.setdefault(target.kind, []).append(result)
        after = (servers.count(emulator.base, servers.CATALOGS), servers.count(emulator.base, servers.PACKAGES))
        checks.add("emulator: every workflow removed what it created", after == before,
                   f"catalogs, packages {before} before, {after} after")
    finally:
        for target in pair:
            target.stop()
    emulator_runs = samples.get("emulator", [])
    # In the workflow's order; the client keeps them by name.
    per_step = {
        step: {q: statistics.median(run["per_step"][step][f"{q}_us"] for run in emulator_runs) / 1000
               for q in ("p50", "p99")}
        for step in (emulator_runs[0]["steps_run"] if emulator_runs else [])
        if all(step in run["per_step"] for run in emulator_runs)
    }
    report["workflow"] = {
        "concurrency": 16, "skipped": skipped, "emulator_per_step_ms": per_step,
        "steps_run": samples["emulator"][0]["steps_run"] if samples.get("emulator") else [],
        **{kind: load.median_row(runs) for kind, runs in samples.items()},
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run of seconds: 1 round, 1 s runs, no peers")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians over them)")
    parser.add_argument("--duration", type=int, default=10, help="seconds per timed run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of unrecorded load per target first")
    parser.add_argument("--packages", type=int, default=100_000, help="rows for the read scenarios")
    parser.add_argument("--starts", type=int, default=7, help="cold starts to time")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="only the ceiling and the emulator")
    parser.add_argument("--tenants", type=int, default=1000, help="tenants to make and use once")
    parser.add_argument("--only", default="starts,creates,reads,workflow,tenants,replicas,grown", help="parts to run")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="an emulator setting for this run, e.g. journal.capacity=0 (repeatable)")
    parser.add_argument("--out", default=os.path.join(servers.ROOT, "target", "bench"))
    args = parser.parse_args()
    servers.SETTINGS.update(item.split("=", 1) for item in args.set)
    if args.quick:
        args.rounds, args.duration, args.warmup, args.packages, args.starts, args.peers = 1, 1, 1, 2_000, 2, False
        args.tenants = 50
    if args.peers and not servers.peers_installed():
        sys.exit("the peers are not installed: run bench/run.sh (it runs bench/peers/install.sh), or pass --no-peers")
    parts = set(args.only.split(","))
    report = {"machine": reporting.machine(), "load_before": reporting.load_average(),
              "settings": {"rounds": args.rounds, "duration_s": args.duration, "warmup_s": args.warmup,
                           "packages": args.packages, "quick": args.quick, "peers": args.peers,
                           "emulator_settings": dict(servers.SETTINGS)}}
    checks = Checks()
    with tempfile.TemporaryDirectory(prefix="emulator-bench-") as workdir:
        for part, run in (("starts", lambda: cold_starts(report, checks, workdir, args.starts)),
                          ("creates", lambda: creates(report, checks, workdir, args)),
                          ("reads", lambda: reads(report, checks, workdir, args)),
                          ("workflow", lambda: workflows(report, checks, workdir, args)),
                          ("tenants", lambda: tenants.run(report, checks, workdir, args)),
                          ("replicas", lambda: replicas.run(report, checks, workdir, args)),
                          ("grown", lambda: grown.run(report, checks, workdir, args))):
            if part in parts:
                try:
                    run()
                except Exception as error:  # one broken part must not hide the others' figures
                    checks.add(f"part '{part}' ran to the end", False, f"{type(error).__name__}: {error}")
    report["load_after"] = reporting.load_average()
    report["emulator_errors"] = emulator_errors(report)
    targets = reporting.judge(report, args.quick)
    report["targets"], report["checks"] = targets, checks.results
    os.makedirs(args.out, exist_ok=True)
    text = reporting.markdown(report, checks, targets)
    with open(os.path.join(args.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2, ensure_ascii=False)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write(text)
    print("\n" + text)
    if checks.failed():
        return 1
    return 3 if any(t["met"] is False for t in targets) else 0


def emulator_errors(report):
    """Errors in every timed emulator run; the ceiling's and every run's are also checks."""
    rows = [r for r in report.get("creates", {}).values() if r["kind"] == "emulator"]
    total = sum(r["c16"]["errors"] + r["c64"]["errors"] for r in rows)
    for levels in report.get("reads", {}).values():
        total += sum(pair["emulator"]["errors"] for pair in levels.values() if "emulator" in pair)
    if report.get("workflow", {}).get("emulator"):
        total += report["workflow"]["emulator"]["errors"]
    return total if (rows or report.get("reads") or report.get("workflow")) else None


if __name__ == "__main__":
    sys.exit(main())
