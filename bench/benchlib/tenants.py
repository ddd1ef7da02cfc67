"""The tenants part: what a new tenant costs, what a thousand leave behind, and whether
writers in different tenants commit side by side.

- creation: `POST /_emulator/tenants` on one keep-alive connection, timed by the client from
  the request's first byte to the answer's last, the first one (which builds the template)
  apart; each 201 checked to be a tenant the list then holds.
- a thousand: `count` tenants, each made and used once (one create in it, through
  X-Emulator-Tenant); then RSS and open files of the process, and a sample read back.
- throughput: wrk creates at c=16 into one tenant, then spread over 4 and 16 tenants, in
  interleaved rounds on one server; every 2xx checked to be a stored row in its tenant; the
  server's CPU per create from its own accounting (/proc/<pid>/stat).
- independence: creates timed in a tenant while another tenant (then the same one) runs a
  long write transaction (a seed of `SLOW_ROWS` packages).
"""

import http.client
import json
import os
import statistics
import threading
import time
import uuid

from . import load, servers

HEADERS = {"Authorization": "Bearer bench", "Content-Type": "application/json"}


def call(connection, method, path, body=None, tenant=None):
    headers = dict(HEADERS)
    if tenant:
        headers["X-Emulator-Tenant"] = tenant
    started = time.perf_counter()
    if body is not None and not isinstance(body, bytes):
        body = json.dumps(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data, (time.perf_counter() - started) * 1000


SLOW_ROWS = 3000


def tenant_guid(name):
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, name))


def beside_a_long_write(base, checks, result):
    """The slowest 20 sequential creates in a tenant while another tenant, then the same
    one, holds its writer with one long transaction."""
    slow, other = "slow.tenants.test", "other.tenants.test"
    made = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    call(made, "POST", "/_emulator/tenants", {"id": slow})
    made.close()
    waits = {}
    for where in (other, slow):
        fixture = {"accessPackages": [
            {"id": str(uuid.uuid4()), "catalogId": servers.GENERAL, "displayName": f"seeded {where} {i}"}
            for i in range(SLOW_ROWS)]}
        seeded = {}

        def seed():
            connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=120)
            seeded["status"], _, seeded["ms"] = call(
                connection, "POST", f"/_emulator/tenants/{tenant_guid(slow)}/seed?mode=merge", fixture)
            connection.close()

        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=120)
        call(connection, "POST", servers.PACKAGES, servers.create_body(f"warm {where}"), tenant=where)
        writer = threading.Thread(target=seed)
        writer.start()
        time.sleep(0.05)  # the seed's transaction is open by then (it takes seconds)
        latencies = []
        for n in range(20):
            status, _, ms = call(connection, "POST", servers.PACKAGES,
                                 servers.create_body(f"beside {where} {n} {time.time_ns()}"), tenant=where)
            latencies.append(ms)
        writer.join()
        connection.close()
        checks.add(f"tenants: seed of {SLOW_ROWS} rows answered 200 ({where})", seeded.get("status") == 200,
                   f"{seeded}")
        waits[where] = {"max_create_ms": round(max(latencies), 2), "seed_ms": round(seeded.get("ms", 0), 1)}
    result["beside_a_long_write"] = {"other_tenant": waits[other], "same_tenant": waits[slow], "rows": SLOW_ROWS}
    print(f"  during a {waits[other]['seed_ms']:.0f} ms write in another tenant, the slowest of 20 creates "
          f"took {waits[other]['max_create_ms']:.1f} ms; in the same tenant {waits[slow]['max_create_ms']:.1f} ms",
          flush=True)


def open_files(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def count_in(base, tenant, prefix):
    connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
    status, data, _ = call(connection, "GET", f"{servers.PACKAGES}/$count?$filter=startswith(displayName,'{prefix}')".replace(" ", "%20"),
                           tenant=tenant)
    connection.close()
    return int(data.decode().strip().lstrip("\ufeff")) if status == 200 else None


def run(report, checks, workdir, args):
    folder = os.path.join(workdir, "tenants")
    os.makedirs(folder)
    server = servers.emulator(folder)
    result = {}
    try:
        server.wait_for_2xx()
        base = server.base
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=60)
        made, times = [], []
        for n in range(args.tenants):
            status, data, ms = call(connection, "POST", "/_emulator/tenants", {})
            if status != 201:
                checks.add("tenants: every create answered 201", False, f"{status}: {data[:200]!r}")
                return
            tenant = json.loads(data)["id"]
            made.append(tenant)
            times.append(ms)
            # Used once: one create in it.
            status, data, _ = call(connection, "POST", servers.PACKAGES,
                                   servers.create_body(f"tenant package {n}"), tenant=tenant)
            if status != 201:
                checks.add("tenants: a create in each new tenant", False, f"{status}: {data[:200]!r}")
                return
        status, data, _ = call(connection, "GET", "/_emulator/tenants")
        listed = {t["id"] for t in json.loads(data)["value"]} if status == 200 else set()
        checks.add("tenants: every tenant made is listed", set(made) <= listed and len(listed) == len(made) + 1,
                   f"{len(listed)} listed for {len(made)} made")
        time.sleep(1.0)
        rss, files = server.rss_mb(), open_files(server.process.pid)
        sample = made[:: max(1, len(made) // 20)]
        counts = [count_in(base, tenant, "tenant package") for tenant in sample]
        checks.add("tenants: a sample of them reopened holds its one create", all(c == 1 for c in counts),
                   f"{counts}")
        rest = times[1:] or times
        result.update({
            "count": len(made), "first_create_ms": round(times[0], 2),
            "create_median_ms": round(statistics.median(rest), 2),
            "create_p95_ms": round(sorted(rest)[int(len(rest) * 0.95) - 1], 2),
            "rss_mib_after": round(rss, 1), "open_files_after": files,
        })
        print(f"  {len(made)} tenants: first {times[0]:.1f} ms (the template), then median "
              f"{result['create_median_ms']:.2f} ms, p95 {result['create_p95_ms']:.2f} ms; "
              f"RSS {rss:.1f} MiB, {files} open files", flush=True)
        connection.close()

        samples = {}
        for r in range(args.rounds):
            for spread in (1, 4, 16)[r % 3:] + (1, 4, 16)[: r % 3]:
                before = sum(count_in(base, f"bench-{i}.tenants.test", "bench") or 0 for i in range(spread))
                outcome = load.wrk(base, servers.PACKAGES, "create", 16, args.duration, tenants=spread,
                                   pid=server.process.pid)
                after = sum(count_in(base, f"bench-{i}.tenants.test", "bench") or 0 for i in range(spread))
                answered = outcome["requests"] - outcome["status_errors"]
                ok = answered <= after - before <= answered + 16 and not outcome["errors"]
                checks.add(f"tenants: creates over {spread} tenant(s) all stored (round {r + 1})", ok,
                           f"{answered} answered 2xx, {after - before} stored, {outcome['errors']} errors")
                samples.setdefault(spread, []).append(outcome)
                print(f"  creates c=16 over {spread:>2} tenant(s): {outcome['rps']:,.0f}/s "
                      f"p99 {outcome['p99_us'] / 1000:.2f} ms, server CPU {outcome['cpu_us']:.0f} µs "
                      "per create", flush=True)
        result["throughput"] = {
            str(spread): load.median_row(runs) for spread, runs in samples.items()}
        beside_a_long_write(base, checks, result)
    finally:
        code = server.stop()
        checks.add("tenants: SIGTERM exits 0", code == 0, f"exit {code}")
        report["tenants"] = result
