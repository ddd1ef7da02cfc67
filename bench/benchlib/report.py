"""The targets and the tables the run prints (and writes to target/bench)."""

import os
import subprocess
import time

from .servers import ROOT

# The targets on the 2-core machine, all judged from one run (issue "Fast to start, light on
# every request", Targets).
CREATE_C64_CEILING_SHARE = 0.20
CREATE_C16_P99_MS = 4.0
WIREMOCK_MULTIPLE = 4.0
START_MS = 10.0
IDLE_RSS_MIB = 12.0
HEALTH_CPU_MULTIPLE = 1.5  # server CPU per GET /_emulator/health ÷ the ceiling's per GET
GET_CPU_MULTIPLE = 3.0  # server CPU per get by id ÷ the ceiling's
GET_CEILING_SHARE = 0.35  # get by id req/s ÷ the ceiling's, c=16
# At 100,000 entities (the grown part).
GROWN_FILTER_MS = 2.0  # assignments?$filter=target/objectId eq …, p50
GROWN_WORKFLOW_SHARE = 0.5  # the workflow's rate on the grown tenant ÷ on a fresh one
GROWN_RSS_MIB = 64.0
# Issue "Tenants": a new tenant ready in 5 ms; a thousand used once within 200 MB (190.7 MiB).
TENANT_MS = 5.0
TENANTS_RSS_MIB = 190.7  # 200 MB


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass

    def output(*argv):
        try:
            done = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, timeout=30)
            return (done.stdout or done.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            return None

    dirty = output("git", "status", "--porcelain", "--untracked-files=no")
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": model,
        "kernel": os.uname().release,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "commit": (output("git", "rev-parse", "--short", "HEAD") or "unknown") + ("-dirty" if dirty else ""),
        "date": time.strftime("%Y-%m-%d", time.gmtime()),
        "wrk": " ".join((output("wrk", "--version") or "wrk ?").split()[:2]),
        "java": output("java", "-version"),
        "node": output("node", "--version"),
    }


def load_average():
    return os.getloadavg()[0]


def judge(report, quick):
    """Each target with what was measured. In --quick (1 s runs, a few thousand rows, no
    peers) the figures say nothing about performance, so they are shown but not judged."""
    results = []

    def target(name, measured, limit, at_least=False, judged=True):
        if measured is None:
            met = None
        else:
            met = measured >= limit if at_least else measured <= limit
        results.append({
            "target": name, "measured": None if measured is None else round(measured, 3),
            "limit": ("≥ " if at_least else "≤ ") + str(limit), "met": met if judged and not quick else None,
            "judged": judged and not quick,
        })

    rows = report.get("creates", {})
    emulator = next((r for r in rows.values() if r["kind"] == "emulator"), None)
    ceiling = next((r for r in rows.values() if r["kind"] == "ceiling"), None)
    wiremock = next((r for name, r in rows.items() if name.startswith("WireMock")), None)
    if emulator and ceiling:
        target("create c=64 ÷ keep-alive ceiling c=64", emulator["c64"]["rps"] / ceiling["c64"]["rps"],
               CREATE_C64_CEILING_SHARE, at_least=True)
    if emulator:
        target("create p99 at c=16 (ms)", emulator["c16"]["p99_ms"], CREATE_C16_P99_MS)
    if emulator and wiremock:
        target("create c=16 ÷ WireMock canned stub c=16", emulator["c16"]["rps"] / wiremock["c16"]["rps"],
               WIREMOCK_MULTIPLE, at_least=True)
    reads = report.get("reads", {})

    def cpu_ratio(scenario):
        pair = reads.get(scenario, {}).get(16, {})
        if pair.get("emulator", {}).get("cpu_us") and pair.get("ceiling", {}).get("cpu_us"):
            return pair["emulator"]["cpu_us"] / pair["ceiling"]["cpu_us"]
        return None

    if reads.get("GET /_emulator/health"):
        target("server CPU per GET /_emulator/health ÷ the ceiling's per GET, c=16", cpu_ratio("GET /_emulator/health"),
               HEALTH_CPU_MULTIPLE)
    if reads.get("get by id"):
        target("server CPU per get by id ÷ the ceiling's, c=16", cpu_ratio("get by id"), GET_CPU_MULTIPLE)
        pair = reads["get by id"][16]
        target("get by id c=16 ÷ ceiling", pair["emulator"]["rps"] / pair["ceiling"]["rps"], GET_CEILING_SHARE,
               at_least=True)
    starts = report.get("starts")
    if starts:
        target(f"start → first 2xx create, median of {len(starts['all_ms'])} cold starts (ms)", starts["median_ms"], START_MS)
        # The table's start column is the create, so the target is judged on it; the read
        # (no first commit) is shown beside it.
        target(f"start → first 2xx read, median of {len(starts['read_all_ms'])} cold starts (ms)",
               starts["read_median_ms"], START_MS, judged=False)
        target("idle RSS 1 s after start, worst cold start (MiB)", starts["idle_rss_mib"], IDLE_RSS_MIB)
    if emulator:
        target("idle RSS 2 s after the create burst, worst round (MiB)", emulator["idle_after_burst_mib"], IDLE_RSS_MIB)
    tenants = report.get("tenants")
    if tenants and tenants.get("count"):
        target("new tenant ready: POST /_emulator/tenants, median (ms)", tenants["create_median_ms"], TENANT_MS)
        target(f"RSS after {tenants['count']} tenants made and used once (MiB)", tenants["rss_mib_after"],
               TENANTS_RSS_MIB, judged=tenants["count"] >= 1000)
        spread = tenants.get("throughput", {})
        if "1" in spread and "4" in spread:
            target("creates c=16 over 4 tenants ÷ one tenant", spread["4"]["rps"] / spread["1"]["rps"], 1.0,
                   at_least=True)
    grown = report.get("grown")
    if grown and grown.get("filters"):
        full = sum(grown["counts"].values()) >= 100_000
        total = f"{sum(grown['counts'].values()):,}"
        target(f"assignments filtered by target/objectId at {total} entities, p50 (ms)",
               grown["filters"]["assignments: target/objectId eq"]["p50_ms"], GROWN_FILTER_MS, judged=full)
        target(f"workflow c=16 at {total} entities ÷ on a fresh database", grown.get("workflow_ratio"),
               GROWN_WORKFLOW_SHARE, at_least=True, judged=full)
        target(f"RSS at the end of the grown part ({total} entities) (MiB)", grown["rss_end_mib"], GROWN_RSS_MIB,
               judged=full)
    errors = report.get("emulator_errors")
    if errors is not None:
        results.append({"target": "errors (every emulator run)", "measured": errors, "limit": "= 0",
                        "met": errors == 0, "judged": True})
    return results


def ms(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f} ms"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def mib(value):
    return "–" if value is None else f"{value:,.0f} MiB"


def cpu(value):
    return "–" if value is None else f"{value:,.1f} µs"


def creates_table(rows):
    emulator = next((r for r in rows.values() if r["kind"] == "emulator"), None)
    lines = [
        "| target | creates/s c=16 | p99 c=16 | CPU per create c=16 | creates/s c=64 | p99 c=64 | start → first 2xx | peak RSS | emulator ÷ it, c=16 / c=64 | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows.items():
        ratio = "–"
        if emulator and r is not emulator:
            ratio = f"{emulator['c16']['rps'] / r['c16']['rps']:.2f} / {emulator['c64']['rps'] / r['c64']['rps']:.2f}"
        bold = "**" if r["kind"] == "emulator" else ""
        lines.append(
            f"| {bold}{name}{bold} | {r['c16']['rps']:,.0f} | {ms(r['c16']['p99_ms'])} | {cpu(r['c16'].get('cpu_us'))} | "
            f"{r['c64']['rps']:,.0f} | "
            f"{ms(r['c64']['p99_ms'])} | {ms(r['start_ms'])} | {mib(r['peak_rss_mib'])} | {ratio} | "
            f"{r['c16']['errors'] + r['c64']['errors']} |"
        )
    return lines


def reads_table(reads, packages):
    lines = [
        f"| read scenario ({packages:,} packages) | c | emulator req/s | ceiling req/s | ÷ ceiling | emulator p99 | ceiling p99 "
        "| emulator CPU per request | ceiling CPU per request | CPU ÷ ceiling | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario, levels in reads.items():
        for c, pair in levels.items():
            e, k = pair["emulator"], pair["ceiling"]
            share = f"{e['cpu_us'] / k['cpu_us']:.2f}" if e.get("cpu_us") and k.get("cpu_us") else "–"
            lines.append(
                f"| {scenario} | {c} | {e['rps']:,.0f} | {k['rps']:,.0f} | {e['rps'] / k['rps']:.3f} | "
                f"{ms(e['p99_ms'])} | {ms(k['p99_ms'])} | {cpu(e.get('cpu_us'))} | {cpu(k.get('cpu_us'))} | {share} | "
                f"{e['errors']} |"
            )
    return lines


def replicas_table(rows):
    lines = [
        "Backends and replicas (every target on a new database; with 2 replicas one wrk per replica at once, "
        "the workflow's steps to each in turn; p99 is the worse replica's; CPU per request is the emulator "
        "processes' and, apart, the PostgreSQL server's):",
        "",
        "| backend | creates/s c=16 | p99 | creates/s c=64 | p99 | workflows/s c=16 | p99 | emulator CPU per create | "
        "PostgreSQL CPU per create | emulator CPU per workflow request | PostgreSQL CPU per workflow request | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, r in rows.items():
        c16, c64, wf = r["c16"], r["c64"], r["workflow"]
        lines.append(
            f"| {label} | {c16['rps']:,.0f} | {ms(c16['p99_ms'])} | {c64['rps']:,.0f} | {ms(c64['p99_ms'])} | "
            f"{wf['rps']:,.1f} | {ms(wf['p99_ms'])} | {cpu(c16['cpu_us'])} | {cpu(c16['db_cpu_us'])} | "
            f"{cpu(wf['cpu_us'])} | {cpu(wf['db_cpu_us'])} | {c16['errors'] + c64['errors'] + wf['errors']} |")
    lines += ["", "On 2 cores the load generator, the replicas and PostgreSQL share the same two cores: a second "
              "replica adds no core, so its rate shows what it costs, not what a second machine would give.", ""]
    return lines


def markdown(report, checks, targets):
    m, s = report["machine"], report["settings"]
    quick = s["quick"]
    lines = [
        f"Measured {m['date']} at commit {m['commit']}: {m['nproc']} cores ({m['cpu']}), {m['memory_gib']} GiB, "
        f"Linux {m['kernel']}; {m['wrk']}, wrk -t2 over loopback; {s['rounds']} interleaved round(s) of "
        f"{s['duration_s']} s per run after a {s['warmup_s']} s warm-up, medians; load average "
        f"{report['load_before']:.1f} before, {report.get('load_after', 0):.1f} after. Emulator settings: "
        + (", ".join(f"{k} = {v}" for k, v in s["emulator_settings"].items()) or "the defaults") + ".",
        "",
    ]
    if report.get("creates"):
        lines += ["Create (the same POST, a unique displayName per request):", ""]
        lines += creates_table(report["creates"]) + [""]
    if report.get("reads"):
        lines += ["Reads, each divided by the ceiling answering the same GETs:", ""]
        lines += reads_table(report["reads"], s["packages"]) + [""]
        lines.append(
            "`contains(displayName,…)` is a scan: no index serves a substring match, so its cost grows with the "
            f"table ({s['packages']:,} rows here); it is reported, not targeted."
        )
        lines.append("")
    wf = report.get("workflow")
    if wf:
        e, k = wf["emulator"], wf["ceiling"]
        lines += [
            f"Workflow at c={wf['concurrency']} (bench/workflow.json; steps run: {', '.join(wf['steps_run'])}):",
            "",
            "| target | workflows/s | p50 | p99 | ÷ ceiling | CPU per request | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
            f"| **entitlement-emulator** | {e['rps']:,.0f} | {ms(e['p50_ms'])} | {ms(e['p99_ms'])} | {e['rps'] / k['rps']:.3f} | {cpu(e.get('cpu_us'))} | {e['errors']} |",
            f"| keep-alive actix canned answers | {k['rps']:,.0f} | {ms(k['p50_ms'])} | {ms(k['p99_ms'])} | 1 | {cpu(k.get('cpu_us'))} | {k['errors']} |",
            "",
        ]
        if wf.get("emulator_per_step_ms"):
            lines.append("Where the emulator's workflow time goes (each step's p50 / p99): " + "; ".join(
                f"{step} {ms(t['p50'])} / {ms(t['p99'])}" for step, t in wf["emulator_per_step_ms"].items()) + ".")
            lines.append("")
        if wf["skipped"]:
            lines.append("Skipped (the emulator does not serve them yet): "
                         + "; ".join(f"{n}: {why}" for n, why in wf["skipped"].items()) + ".")
            lines.append("")
    tenants = report.get("tenants")
    if tenants and tenants.get("count"):
        lines += [
            f"Tenants: {tenants['count']} made (`POST /_emulator/tenants`) and used once (one create each): the first "
            f"in {ms(tenants['first_create_ms'])} (it builds the template), then median {ms(tenants['create_median_ms'])}, "
            f"p95 {ms(tenants['create_p95_ms'])}; after them RSS {tenants['rss_mib_after']:.1f} MiB and "
            f"{tenants['open_files_after']} open files (tenants.max_open stores stay open).",
            "",
            "| creates c=16 spread over | creates/s | p99 | server CPU per create | errors |",
            "|---|---:|---:|---:|---:|",
        ]
        for spread, row in tenants.get("throughput", {}).items():
            lines.append(f"| {spread} tenant(s) | {row['rps']:,.0f} | {ms(row['p99_ms'])} | "
                         f"{cpu(row['cpu_us'])} | {row['errors']} |")
        lines.append("")
        beside = tenants.get("beside_a_long_write")
        if beside:
            lines += [
                f"While one tenant runs a {beside['other_tenant']['seed_ms']:,.0f} ms write transaction (a seed of "
                f"{beside['rows']:,} rows), the slowest of 20 creates in another tenant took "
                f"{ms(beside['other_tenant']['max_create_ms'])}; in that same tenant, "
                f"{ms(beside['same_tenant']['max_create_ms'])}.",
                "",
            ]
    if report.get("replicas"):
        lines += replicas_table(report["replicas"])
    grown = report.get("grown")
    if grown and grown.get("filters"):
        c = grown["counts"]
        lines += [
            f"Grown: {sum(c.values()):,} entities created through the API ({c['users']:,} users, {c['groups']:,} groups, "
            f"{c['packages']:,} packages, {c['policies']:,} policies, {c['requests']:,} requests delivered into one "
            "group): " + ", ".join(f"{kind} at {t['per_second']:,}/s" for kind, t in grown["fill"].items())
            + f"; RSS {grown['rss_after_fill_mib']:.1f} MiB after the fill, WAL {grown['wal_after_fill_mib']:.1f} MiB.",
            "",
            "| on the grown tenant (sequential GETs, fresh connections) | p50 | worst of 20 | bytes |",
            "|---|---:|---:|---:|",
        ]
        for label, t in grown["filters"].items():
            lines.append(f"| {label} | {ms(t['p50_ms'])} | {ms(t['max_ms'])} | {t['bytes']:,} |")
        w, f = grown["workflow"], grown["workflow_fresh"]
        lines += [
            "",
            f"Workflow c=16 on the grown tenant: {w['rps']:,.1f}/s (p99 {ms(w['p99_ms'])}, CPU {cpu(w['cpu_us'])} per "
            f"request); on a fresh database {f['rps']:,.1f}/s (p99 {ms(f['p99_ms'])}, CPU {cpu(f['cpu_us'])}); ratio "
            + ("–" if grown.get("workflow_ratio") is None else f"{grown['workflow_ratio']:.2f}") + f". RSS at the end {grown['rss_end_mib']:.1f} MiB, WAL {grown['wal_end_mib']:.1f} MiB.",
            "",
        ]
    lines += ["| target | measured | limit | met |", "|---|---:|---:|:-:|"]
    for t in targets:
        if t["judged"]:
            met = "yes" if t["met"] else "**NO**"
        else:
            met = "not judged (--quick)" if quick else "shown, not judged"
        lines.append(f"| {t['target']} | {t['measured']} | {t['limit']} | {met} |")
    failed = [c for c in checks.results if c["fatal"] and not c["ok"]]
    lines += ["", f"Checks: {sum(c['ok'] for c in checks.results if c['fatal'])} of "
              f"{sum(c['fatal'] for c in checks.results)} passed (keep-alive, connections per run, rows stored "
              "per 2xx create, non-empty pages, workflow answers)."]
    for c in failed:
        lines.append(f"- FAILED {c['check']}: {c['detail']}")
    return "\n".join(lines) + "\n"
