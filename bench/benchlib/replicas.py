"""The replicas part: creates and the workflow on PostgreSQL with one replica and with two on
one database, beside the embedded SQLite file, in interleaved rounds.

- The server is a PostgreSQL of the benchmark's own (.ci/postgres.sh: Debian's package, a
  temporary folder, a loopback port), or the one `EMULATOR_TEST_POSTGRES_URL` names; every
  target gets a database of its own, made fresh in every round.
- Creates: wrk at c=16 and c=64; with two replicas, one wrk per replica at once, the
  concurrency split between them. Every 2xx create must be a row, counted through the
  *first* replica's `/$count`: with two replicas, the other's creates are in that count only
  if the database, not a process, holds the state.
- The workflow (bench/workflow.json) at c=16; with two replicas its steps go to each in
  turn, so every step after the first reads through one replica what the step before wrote
  through the other.
- CPU per request from the kernel's accounting, for the emulator processes and for the
  PostgreSQL server apart (its backends are children of its postmaster). A process that
  ends during a run (an autovacuum worker) takes its CPU time with it: the server's figure
  is a lower bound.

On a machine of two cores the load generator, every replica and the server share those two
cores, so two replicas cannot answer more than one: what the table can show is what a request
costs on each backend, and that a second replica serves the same state correctly under load.
"""

import os
import subprocess
import urllib.parse

from . import checks as check, load, servers, workflow
from .servers import CATALOGS, PACKAGES, cpu_seconds

TARGETS = (("SQLite file", "sqlite", 1), ("PostgreSQL, 1 replica", "postgres", 1),
           ("PostgreSQL, 2 replicas", "postgres", 2))
LEVELS = (16, 64)


class Postgres:
    """A PostgreSQL server: the caller's (EMULATOR_TEST_POSTGRES_URL, and its folder
    EMULATOR_TEST_POSTGRES_DIR as .ci/postgres.sh prints them), or one started here and
    stopped by `stop()`."""

    def __init__(self):
        self.folder, self.ours = os.environ.get("EMULATOR_TEST_POSTGRES_DIR"), False
        url = os.environ.get("EMULATOR_TEST_POSTGRES_URL")
        if not url:
            self.ours = True
            script = os.path.join(servers.ROOT, ".ci", "postgres.sh")
            out = subprocess.run([script, "start"], capture_output=True, text=True, check=True).stdout
            exported = dict(line.removeprefix("export ").split("=", 1) for line in out.splitlines()
                            if line.startswith("export "))
            url, self.folder = exported["EMULATOR_TEST_POSTGRES_URL"], exported["EMULATOR_TEST_POSTGRES_DIR"]
        self.url = url
        self.made = 0

    def pid(self):
        """The postmaster's pid, when its data folder is known (.ci/postgres.sh's)."""
        if not self.folder:
            return None
        with open(os.path.join(self.folder, "data", "postmaster.pid")) as f:
            return int(f.readline())

    def database(self):
        """A new, empty database on the server; its URL."""
        self.made += 1
        name = f"bench_{os.getpid()}_{self.made}"
        subprocess.run(["psql", "--quiet", "--no-psqlrc", self.url, "-c", f"CREATE DATABASE {name}"],
                       check=True, capture_output=True)
        return urllib.parse.urlsplit(self.url)._replace(path=f"/{name}").geturl()

    def stop(self):
        if self.ours:
            script = os.path.join(servers.ROOT, ".ci", "postgres.sh")
            subprocess.run([script, "stop", self.folder], capture_output=True)


def start(workdir, label, backend, count, postgres, round_, replicas):
    """`count` emulator processes on one new database, each answering 2xx, added to
    `replicas` as each starts (so that the caller stops those that did if one fails)."""
    database = postgres.database() if backend == "postgres" else None
    for n in range(count):
        folder = os.path.join(workdir, f"replicas-{round_}-{backend}{count}-{n}")
        os.makedirs(folder)
        replica = servers.emulator(folder, name=f"{label} #{n + 1}", database=database)
        replicas.append(replica)
        replica.wait_for_2xx()


def measured(result, db_pid, db_before):
    """Adds the server's CPU per request over a run (None when the server is not ours)."""
    if db_pid:
        result["db_cpu_us"] = (cpu_seconds(db_pid) - db_before) * 1e6 / max(1, result["requests"])
    return result


def one_round(checks, workdir, postgres, args, round_, label, backend, count, samples, skipped):
    replicas = []
    db_pid = postgres.pid() if backend == "postgres" else None
    entry = samples.setdefault(label, {"c16": [], "c64": [], "workflow": []})
    try:
        start(workdir, label, backend, count, postgres, round_, replicas)
        first, bases, pids = replicas[0], [r.base for r in replicas], [r.process.pid for r in replicas]
        before = first.count_rows()
        answered, in_flight = 0, 0
        for replica in replicas:
            ok, detail, kept = check.keep_alive(replica)
            answered += kept
            checks.add(f"{replica.name}: keep-alive (round {round_ + 1})", ok, detail)
        warm = load.wrk(bases, PACKAGES, "create", 16, args.warmup)
        answered += warm["requests"] - warm["status_errors"]
        in_flight += warm["concurrency"]
        for c in LEVELS:
            db_before = cpu_seconds(db_pid) if db_pid else 0
            result = measured(load.wrk(bases, PACKAGES, "create", c, args.duration, pid=pids), db_pid, db_before)
            show(label, f"create c={c}", result)
            entry[f"c{c}"].append(result)
            answered += result["requests"] - result["status_errors"]
            in_flight += result["concurrency"]
            check.connections(checks, first, result, f"{label} create c={c}")
            checks.add(f"{label}: create c={c} without errors (round {round_ + 1})", not result["errors"],
                       f"{result['errors']} errors")
            checks.add(f"{label}: every replica answered creates (round {round_ + 1}, c={c})",
                       all(result["requests_each"]), f"requests per replica: {result['requests_each']}")
        check.rows_match(checks, first, answered, in_flight, before, check.settled_rows(first))
        shape = (servers.count(first.base, CATALOGS), servers.count(first.base, PACKAGES))
        db_before = cpu_seconds(db_pid) if db_pid else 0
        result = measured(load.workflow(bases, 16, args.duration, skipped, pid=pids), db_pid, db_before)
        show(label, "workflows c=16", result)
        entry["workflow"].append(result)
        checks.add(f"{label}: workflow steps answered as expected (round {round_ + 1})", not result["errors"],
                   f"{result['errors']} unexpected" + (f", first: {result['first_failure']}" if result["errors"] else ""))
        after = (servers.count(first.base, CATALOGS), servers.count(first.base, PACKAGES))
        checks.add(f"{label}: every workflow removed what it created (round {round_ + 1})", after == shape,
                   f"catalogs, packages {shape} before, {after} after")
    finally:
        for replica in replicas:
            code = replica.stop()
            checks.add(f"{replica.name}: SIGTERM exits 0 (round {round_ + 1})", code == 0, f"exit {code}")


def show(label, what, result):
    db = f"  PostgreSQL CPU {result['db_cpu_us']:6.1f} µs/req" if result.get("db_cpu_us") is not None else ""
    print(f"  {label:<24} {what:<16} {result['rps']:>9,.0f}/s  p99 {result['p99_us'] / 1000:7.2f} ms"
          f"  emulator CPU {result['cpu_us']:6.1f} µs/req{db}  errors {result['errors']}", flush=True)


def row(runs):
    out = load.median_row(runs)
    db = [r["db_cpu_us"] for r in runs if r.get("db_cpu_us") is not None]
    out["db_cpu_us"] = sorted(db)[len(db) // 2] if db and len(db) == len(runs) else None
    return out


def run(report, checks, workdir, args):
    print("replicas: SQLite, PostgreSQL with 1 replica and with 2 on one database", flush=True)
    postgres = Postgres()
    samples = {}
    try:
        # The careful run of the workflow, on PostgreSQL: what the timed runs may skip.
        folder = os.path.join(workdir, "replicas-probe")
        os.makedirs(folder)
        probe = servers.emulator(folder, database=postgres.database())
        try:
            probe.wait_for_2xx()
            skipped = workflow.probe(checks, probe)
        finally:
            probe.stop()
        if skipped is None:
            return
        for r in range(args.rounds):
            for label, backend, count in rotate(TARGETS, r):
                one_round(checks, workdir, postgres, args, r, label, backend, count, samples, skipped)
    finally:
        postgres.stop()
    report["replicas"] = {
        label: {"c16": row(s["c16"]), "c64": row(s["c64"]), "workflow": row(s["workflow"])}
        for label, s in samples.items() if s["c16"] and s["c64"] and s["workflow"]
    }


def rotate(items, by):
    by %= len(items)
    return items[by:] + items[:by]
