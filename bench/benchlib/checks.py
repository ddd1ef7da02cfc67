"""What makes a figure believable: each check either passes or fails the run.

A fast answer that is wrong is not a fast answer. So besides wrk's own error count the run
proves that connections were kept alive (else the load measured TCP set-up), that every 2xx
create is a stored row, that the pages the listing scenarios time are not empty, and that the
workflow's steps do what they say.
"""

import http.client
import json
import random
import time
import urllib.parse
import urllib.request

from .servers import CATALOGS, HEADERS, PACKAGES, count, create_body


class Checks:
    """Every check made in the run, in order; failed() is what fails it."""

    def __init__(self):
        self.results = []

    def add(self, name, ok, detail="", fatal=True):
        self.results.append({"check": name, "ok": bool(ok), "detail": detail, "fatal": fatal})
        mark = "ok  " if ok else ("FAIL" if fatal else "note")
        print(f"    [{mark}] {name}{': ' + detail if detail else ''}", flush=True)
        return ok

    def failed(self):
        return [r for r in self.results if r["fatal"] and not r["ok"]]


def keep_alive(server, method="POST", paths=None, count=50, expect=None):
    """Sends `count` requests one after another on one TCP connection. Passes when every answer
    has the expected status, none says `connection: close` and the socket (its local port) is
    the one the first request went out on. http.client would silently reconnect after a close,
    so the socket is compared, not just the answers. Returns (passed, detail, 2xx answers)."""
    expect = expect or (201 if method == "POST" else 200)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.connect()
    local = connection.sock.getsockname()
    answered = 0
    try:
        for i in range(count):
            if method == "POST":
                body = create_body(f"keep-alive {server.port}-{time.time_ns()}-{i}")
                connection.request("POST", PACKAGES, body=body, headers=HEADERS)
            else:
                connection.request("GET", paths[i % len(paths)], headers=HEADERS)
            response = connection.getresponse()
            response.read()
            answered += 200 <= response.status < 300
            if response.status != expect:
                return False, f"request {i + 1}: status {response.status}, expected {expect}", answered
            if response.will_close or (response.getheader("connection") or "").lower() == "close":
                return False, f"request {i + 1} answered with connection: close", answered
            if connection.sock is None or connection.sock.getsockname() != local:
                return False, f"request {i + 1} went out on a new connection", answered
        return True, f"{count} {method}s on one connection", answered
    except (OSError, http.client.HTTPException) as error:
        return False, f"the connection failed after {answered} answers: {error!r}", answered
    finally:
        connection.close()


def connections(checks, server, result, what):
    """The kernel's count of connections accepted during a wrk run, against the run's
    concurrency. Other processes on the machine accept a few too, hence the slack; a server
    closing after each answer would need one per request, far above it."""
    allowed = result["concurrency"] + 0.02 * result["requests"] + 200
    opened = result["connections_opened"]
    ok = opened <= allowed
    if server.kind == "peer":
        if not ok:
            checks.add(f"{server.name}: {what} kept connections alive", False,
                       f"{opened} connections for {result['requests']} requests", fatal=False)
        return
    checks.add(f"{server.name}: {what} kept connections alive", ok,
               f"{opened} connections accepted for {result['requests']} requests at c={result['concurrency']}")


def settled_rows(server):
    """Rows once the count stops moving: requests wrk had sent when it stopped are still being
    committed for a moment after it exits."""
    last = server.count_rows()
    for _ in range(50):
        time.sleep(0.1)
        now = server.count_rows()
        if now == last:
            return now
        last = now
    return last


def rows_match(checks, server, answered, in_flight, before, after):
    """Stored rows against 2xx answers. Every answered create must be a row; at most
    `in_flight` more (requests sent when wrk stopped, answered to nobody) may be stored."""
    stored = after - before
    ok = answered <= stored <= answered + in_flight
    checks.add(f"{server.name}: every 2xx create is a stored row", ok,
               f"{answered} answered, {stored} stored (up to {in_flight} more may be in flight)",
               fatal=server.kind != "peer")
    return ok


def get_json(base, path):
    request = urllib.request.Request(base + path, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, json.load(response)


def first_ids(base, n):
    """`n` package ids, read through the API's own paging."""
    ids, path = [], f"{PACKAGES}?$select=id&$top={n}"
    while path and len(ids) < n:
        _, page = get_json(base, path)
        ids += [item["id"] for item in page["value"]]
        link = page.get("@odata.nextLink")
        path = urllib.parse.urlsplit(link)._replace(scheme="", netloc="").geturl() if link else None
    return ids[:n]


def reads_answer(checks, server, ids, names, when):
    """A sample of what the read scenarios time: each id answers 200 with that id, and each
    `displayName eq` page holds exactly the one package of that name (an empty page would be
    a fast wrong answer)."""
    sample = random.Random(len(ids)).sample(ids, min(20, len(ids)))
    wrong = [i for i in sample if get_json(server.base, f"{PACKAGES}/{i}")[1].get("id") != i]
    checks.add(f"{server.name}: get by id answers the package asked for ({when})", not wrong,
               f"{len(sample)} ids" + (f", wrong: {wrong[:3]}" if wrong else ""))
    empty = []
    for n in random.Random(names).sample(range(names), min(20, names)):
        name = f"bench package {n:06d}"
        query = urllib.parse.quote(f"displayName eq '{name}'")
        page = get_json(server.base, f"{PACKAGES}?$filter={query}")[1]["value"]
        if [p["displayName"] for p in page] != [name]:
            empty.append((name, len(page)))
    checks.add(f"{server.name}: list eq pages hold the package named ({when})", not empty,
               "20 names" + (f", wrong: {empty[:3]}" if empty else ""))


def is_unserved(status, body):
    """The emulator's answer to a path it does not serve yet: 400 naming the unknown segment,
    or 405 for a method a known path lacks."""
    if status == 405:
        return True
    message = (body or {}).get("error", {}).get("message", "") if isinstance(body, dict) else ""
    return status == 400 and "Resource not found for the segment" in message


def send(base, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers=HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, raw.decode(errors="replace")
