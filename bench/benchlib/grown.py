"""Grown: the emulator filled through the Graph API with 100,000 entities (20k users, 10k
groups, 30k packages, 10k policies, 30k assignment requests delivered into one group),
then what users do on such a tenant, each timed: every documented `$filter` form, a read
of the group every request granted (20,000 members), and the provisioning workflow at c=16 beside the same workflow
on a fresh database. RSS after the fill and at the end, and the WAL's size (it must stay
bounded as docs/src/performance.md says)."""

import json
import os
import statistics
import time
import urllib.parse
import urllib.request

from . import load, servers

EM = "/beta/identityGovernance/entitlementManagement"
V1_EM = "/v1.0/identityGovernance/entitlementManagement"
# The mix, divided by `scale` (100 in --quick).
FULL = {"users": 20_000, "groups": 10_000, "packages": 30_000, "policies": 10_000, "requests": 30_000}


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers=servers.HEADERS)
    with urllib.request.urlopen(request, timeout=120) as response:
        text = response.read()
        return json.loads(text) if text else None


def ids_of(base, path, prefix):
    """Every id in a collection whose displayName starts with `prefix`, page by page
    (`$top` would cap the total, not the page)."""
    query = urllib.parse.urlencode({"$filter": f"startswith(displayName,'{prefix}')", "$select": "id"},
                                   quote_via=urllib.parse.quote)
    url, found = f"{path}?{query}", []
    while url:
        page = call(base, "GET", url)
        found += [row["id"] for row in page["value"]]
        url = page.get("@odata.nextLink", "").replace(base, "").replace("https://graph.microsoft.com", "")
    return found


def fill(base, workdir, counts):
    """Creates each kind through bench_client (16 connections); returns the ids it needs."""
    timings = {}

    def make(kind, count, path, body, ids=None):
        ids_file = None
        if ids is not None:
            ids_file = os.path.join(workdir, f"{kind.replace(' ', '-')}-ids.txt")
            with open(ids_file, "w") as f:
                f.write("\n".join(ids) + "\n")
        result = load.fill(base, count, path=path, body=json.dumps(body), ids_file=ids_file)
        timings[kind] = {"count": count, "per_second": round(count / (result["duration_us"] / 1e6))}
        print(f"  {count:,} {kind} in {result['duration_us'] / 1e6:.1f} s", flush=True)

    make("users", counts["users"], "/v1.0/users", {
        "accountEnabled": True, "displayName": "grown user {n}", "mailNickname": "grown{n}",
        "userPrincipalName": "grown{n}@contoso.onmicrosoft.com", "passwordProfile": {"password": "bench-Passw0rd!"}})
    make("groups", counts["groups"], "/v1.0/groups", {
        "displayName": "grown group {n}", "mailEnabled": False, "mailNickname": "grown-group{n}",
        "securityEnabled": True})
    catalog = call(base, "POST", f"{EM}/accessPackageCatalogs", {"displayName": "grown", "description": "grown"})["id"]
    make("packages", counts["packages"], f"{EM}/accessPackages", {
        "catalogId": catalog, "displayName": "grown package {n}", "description": "grown", "isHidden": False})
    packages = ids_of(base, f"{EM}/accessPackages", "grown package ")
    make("policies", counts["policies"], f"{EM}/accessPackageAssignmentPolicies", {
        "accessPackageId": "{id}", "displayName": "grown policy {n}", "description": "grown", "durationInDays": 365,
        "requestorSettings": {"scopeType": "NoSubjects", "acceptRequests": True},
        "requestApprovalSettings": {"isApprovalRequired": False, "isApprovalRequiredForExtension": False,
                                    "isRequestorJustificationRequired": False, "approvalMode": "NoApproval",
                                    "approvalStages": []}}, packages)
    # Packages that each grant the membership of one group: every request lands in it. A
    # user holds a package once, so there are as many as requests need (30,000 requests
    # over 20,000 users: two).
    group = ids_of(base, "/v1.0/groups", "grown group 000000")[0]
    call(base, "POST", f"{EM}/accessPackageResourceRequests", {
        "catalogId": catalog, "requestType": "AdminAdd",
        "accessPackageResource": {"originId": group, "originSystem": "AadGroup"}})
    resource = call(base, "GET", f"{EM}/accessPackageCatalogs/{catalog}/accessPackageResources?"
                    + urllib.parse.quote(f"$filter=originId eq '{group}'", safe="=$&"))["value"][0]["id"]
    users = ids_of(base, "/v1.0/users", "grown user ")
    left, granting = counts["requests"], []
    while left > 0:
        package = call(base, "POST", f"{EM}/accessPackages",
                       {"catalogId": catalog, "displayName": f"grown members {len(granting)}"})["id"]
        policy = call(base, "POST", f"{EM}/accessPackageAssignmentPolicies", {
            "accessPackageId": package, "displayName": "grown members", "durationInDays": 365,
            "requestorSettings": {"scopeType": "NoSubjects", "acceptRequests": True},
            "requestApprovalSettings": {"isApprovalRequired": False, "approvalStages": []}})["id"]
        call(base, "POST", f"{EM}/accessPackages/{package}/accessPackageResourceRoleScopes", {
            "accessPackageResourceRole": {"originId": f"Member_{group}", "displayName": "Member",
                                          "originSystem": "AadGroup",
                                          "accessPackageResource": {"id": resource, "originId": group,
                                                                    "originSystem": "AadGroup"}},
            "accessPackageResourceScope": {"originId": group, "originSystem": "AadGroup"}})
        count = min(left, len(users))
        make(f"requests {len(granting)}", count, f"{EM}/accessPackageAssignmentRequests", {
            "requestType": "AdminAdd",
            "accessPackageAssignment": {"targetId": "{id}", "assignmentPolicyId": policy, "accessPackageId": package}},
            users)
        granting.append((package, policy, count))
        left -= count
    package, policy = granting[0][0], granting[0][1]
    return timings, {"catalog": catalog, "group": group, "package": package, "policy": policy, "granting": granting,
                     "user": users[len(users) // 2], "resource": resource, "packages": packages}


def delivered(base, package):
    query = urllib.parse.quote(f"$filter=accessPackage/id eq '{package}' and state eq 'delivered'", safe="=$&")
    request = urllib.request.Request(f"{base}{V1_EM}/assignments/$count?{query}", headers=servers.HEADERS)
    with urllib.request.urlopen(request, timeout=120) as response:
        return int(response.read().decode().strip().lstrip("\ufeff"))


def timed(base, path, times=20):
    """p50 and worst of `times` sequential GETs on fresh connections, and the first's size."""
    spent, size = [], None
    for _ in range(times):
        started = time.perf_counter()
        request = urllib.request.Request(base + path, headers=servers.HEADERS)
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        spent.append((time.perf_counter() - started) * 1000)
        size = size or len(body)
    return {"p50_ms": round(statistics.median(spent), 2), "max_ms": round(max(spent), 2), "bytes": size}


def filters(ids):
    q = lambda text: urllib.parse.quote(text, safe="=$&,()'")  # noqa: E731
    user, package, catalog, group, policy = ids["user"], ids["package"], ids["catalog"], ids["group"], ids["policy"]
    return [
        ("assignments: target/objectId eq", f"{V1_EM}/assignments?" + q(f"$filter=target/objectId eq '{user}'")),
        ("assignments: accessPackage/id eq, $top=5", f"{EM}/accessPackageAssignments?"
         + q(f"$filter=accessPackage/id eq '{package}'&$top=5")),
        ("assignments: policy/Id eq, $expand=target, $top=5", f"{EM}/accessPackageAssignments?"
         + q(f"$filter=accessPackageAssignmentPolicy/Id eq '{policy}'&$expand=target&$top=5")),
        ("packages: displayName eq", f"{EM}/accessPackages?" + q("$filter=displayName eq 'grown package 012345'")),
        ("catalogs: displayName eq", f"{EM}/accessPackageCatalogs?" + q("$filter=displayName eq 'grown'")),
        ("catalog resources: originId eq", f"{EM}/accessPackageCatalogs/{catalog}/accessPackageResources?"
         + q(f"$filter=originId eq '{group}'")),
        ("policies: accessPackage/id eq", f"{EM}/accessPackageAssignmentPolicies?"
         + q(f"$filter=accessPackage/id eq '{ids['packages'][7]}'")),
        ("requests: accessPackage/id eq, $top=5", f"{V1_EM}/assignmentRequests?"
         + q(f"$filter=accessPackage/id eq '{package}'&$top=5")),
        ("users: userPrincipalName eq", "/v1.0/users?" + q("$filter=userPrincipalName eq 'grown012345@contoso.onmicrosoft.com'")),
        ("groups: displayName eq", "/v1.0/groups?" + q("$filter=displayName eq 'grown group 004321'")),
        ("the group every request granted: first page of members", f"/v1.0/groups/{group}/members"),
    ]


def wal_mib(db):
    try:
        return os.path.getsize(db + "-wal") / 2**20
    except OSError:
        return 0.0


def run(report, checks, workdir, args):
    scale = 100 if args.quick else 1
    counts = {kind: count // scale for kind, count in FULL.items()}
    folder = os.path.join(workdir, "grown")
    os.makedirs(folder)
    db = os.path.join(folder, "grown.db")
    result = {"counts": counts}
    print(f"grown: filling {sum(counts.values()):,} entities through the API", flush=True)
    server = servers.emulator(folder, db)
    try:
        server.wait_for_2xx()
        result["fill"], ids = fill(server.base, folder, counts)
        # Each request moves at the next request's catch-up, in rounds: ask until all have.
        deadline, got = time.monotonic() + 300, 0
        while time.monotonic() < deadline:
            got = sum(delivered(server.base, package) for package, _, _ in ids["granting"])
            if got >= counts["requests"]:
                break
            time.sleep(0.5)
        checks.add("grown: every request delivered", got == counts["requests"], f"{got} of {counts['requests']}")
        result["rss_after_fill_mib"] = server.rss_mb()
        result["wal_after_fill_mib"] = wal_mib(db)
        result["filters"] = {}
        for label, path in filters(ids):
            result["filters"][label] = timed(server.base, path)
            print(f"  {label}: p50 {result['filters'][label]['p50_ms']} ms, worst {result['filters'][label]['max_ms']} ms, "
                  f"{result['filters'][label]['bytes']:,} bytes", flush=True)
        skipped = {}
        load.workflow(server.base, 16, args.warmup, skipped)
        grown = load.workflow(server.base, 16, args.duration, skipped, pid=server.process.pid)
        checks.add("grown: the workflow answered as documented", not grown["errors"],
                   f"{grown['errors']} unexpected, first: {grown.get('first_failure')}")
        result["workflow"] = {"rps": grown["rps"], "p99_ms": grown["p99_us"] / 1000, "cpu_us": grown.get("cpu_us")}
        result["rss_end_mib"] = server.rss_mb()
        result["wal_end_mib"] = wal_mib(db)
    finally:
        code = server.stop()
        checks.add("grown: SIGTERM exits 0", code == 0, f"exit {code}")
    fresh_folder = os.path.join(workdir, "grown-fresh")
    os.makedirs(fresh_folder)
    fresh = servers.emulator(fresh_folder)
    try:
        fresh.wait_for_2xx()
        load.workflow(fresh.base, 16, args.warmup, {})
        baseline = load.workflow(fresh.base, 16, args.duration, {}, pid=fresh.process.pid)
        result["workflow_fresh"] = {"rps": baseline["rps"], "p99_ms": baseline["p99_us"] / 1000,
                                    "cpu_us": baseline.get("cpu_us")}
    finally:
        fresh.stop()
    # A 1 s run (--quick) may finish no workflow: no ratio rather than a division by zero.
    fresh_rps = result["workflow_fresh"]["rps"]
    result["workflow_ratio"] = result["workflow"]["rps"] / fresh_rps if fresh_rps else None
    ratio = "–" if result["workflow_ratio"] is None else f"{result['workflow_ratio']:.2f}"
    print(f"  workflow c=16: {result['workflow']['rps']:,.1f}/s grown, {result['workflow_fresh']['rps']:,.1f}/s fresh "
          f"({ratio}); RSS {result['rss_after_fill_mib']:.1f} MiB after the fill, "
          f"{result['rss_end_mib']:.1f} at the end; WAL {result['wal_end_mib']:.1f} MiB", flush=True)
    report["grown"] = result
