"""The targets the benchmark drives, and how each one is started.

Every target is given the same create request at the same URL: the ceiling (a canned 201 from
a keep-alive actix-web, examples/ceiling.rs), the emulator (durable: each 201 after its
commit), and, in the full run, the peers installed by bench/peers/install.sh: WireMock with a
canned stub, Prism with a one-operation OpenAPI document (stateless) and json-server with a
JSON file (stateful; it rewrites the file on every create).
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RELEASE = os.path.join(ROOT, "target", "release")
EMULATOR = os.path.join(RELEASE, "entitlement-emulator")
CEILING = os.path.join(RELEASE, "examples", "ceiling")
PEERS = os.path.join(ROOT, "target", "bench", "peers", "node_modules")
SEED_RESPONSE = os.path.join(ROOT, "bench", "seed-response.json")

GRAPH = "/beta/identityGovernance/entitlementManagement"
PACKAGES = f"{GRAPH}/accessPackages"
CATALOGS = f"{GRAPH}/accessPackageCatalogs"
GENERAL = "aa2f6514-3232-46e7-a08a-2411ad8d7128"
HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer bench"}


def create_body(name):
    """The create request every target gets (bench/wrk.lua builds the same one)."""
    return json.dumps(
        {
            "catalogId": GENERAL,
            "displayName": name,
            "description": "outside sales representatives",
            "isHidden": False,
        }
    ).encode()


def free_port():
    # Peers need their port on the command line and none prints the one it bound, so every
    # target gets a port picked here. (Binding, closing and reusing is a small race; nothing
    # else on this machine binds ports in this range at this rate.)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(pid):
    """The process and all its descendants: a peer started through a launcher counts whole."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def rss_mb(pid, field="VmRSS"):
    """VmRSS (now) or VmHWM (peak) summed over the process tree, in MiB."""
    total = 0
    for member in tree(pid):
        try:
            with open(f"/proc/{member}/status") as status:
                for line in status:
                    if line.startswith(field + ":"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def cpu_seconds(pid):
    """utime + stime of the process tree, from the kernel's own accounting: the figure that
    holds on a noisy machine, where req/s moves with whatever else runs."""
    total = 0
    for member in tree(pid):
        try:
            with open(f"/proc/{member}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / os.sysconf("SC_CLK_TCK")


class Server:
    """A target serving HTTP on 127.0.0.1:port, its output kept in a log file.

    `name` is the row in the tables, `kind` what can be checked about it: "ceiling",
    "emulator", or "peer". `count_rows` (when the target keeps state) returns how many
    creates it holds."""

    def __init__(self, name, kind, argv, port, workdir, env=None, count_rows=None):
        self.name, self.kind, self.port, self.workdir = name, kind, port, workdir
        self.count_rows = count_rows
        slug = name.split()[0].lower()
        self.log_path = os.path.join(workdir, f"{slug}.log")
        self.log = open(self.log_path, "ab")
        # The clock starts before the process is created: start-up includes exec and loading.
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=workdir
        )
        self.start_ms = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def wait_for_2xx(self, timeout=60.0, read=False):
        """Sends the create request (or, with `read`, lists the catalogs) on a fresh connection
        every 0.2 ms until one is answered 2xx; keeps the milliseconds from process start.
        Raw sockets: no client library's start-up in the loop. (A loop without the pause
        steals a core from the starting server and adds ~8 ms.)"""
        if read:
            request = (
                f"GET {CATALOGS} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                "Authorization: Bearer bench\r\nConnection: close\r\n\r\n"
            ).encode()
        else:
            body = create_body(f"first answer {os.getpid()}-{self.port}-{time.time_ns()}")
            request = (
                f"POST {PACKAGES} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                "Content-Type: application/json\r\nAuthorization: Bearer bench\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode() + body
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}, see {self.log_path}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as s:
                    s.sendall(request)
                    status = s.recv(12)
                    if status[9:10] == b"2":
                        self.start_ms = (time.perf_counter() - self.started) * 1000
                        return self.start_ms
            except OSError:
                pass
            time.sleep(0.0002)
        raise RuntimeError(f"{self.name} did not answer 2xx within {timeout} s, see {self.log_path}")

    def rss_mb(self):
        return rss_mb(self.process.pid)

    def peak_rss_mb(self):
        return rss_mb(self.process.pid, "VmHWM")

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        return self.process.returncode


# Settings given on purpose (bench/run.py --set journal.capacity=0); printed in the report.
SETTINGS = {}


def emulator_env():
    """The caller's environment without EMULATOR__* and RUST_LOG: a stray setting (auth mode,
    journal size, log level) would silently change what is measured. The emulator runs with
    its defaults (auth.mode any, journal on, synchronous normal) unless --set says otherwise."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMULATOR__") and k not in ("RUST_LOG", "EMULATOR_CONFIG")}
    for key, value in SETTINGS.items():
        env["EMULATOR__" + key.upper().replace(".", "__")] = value
    return env


def emulator(workdir, db_file=None, name="entitlement-emulator (durable)", database=None):
    """On `db_file` (a SQLite file, by default a new one in `workdir`) or on `database`, a URL
    such as postgres://… that other replicas may share."""
    port = free_port()
    db = db_file or os.path.join(workdir, "emulator.db")
    argv = [EMULATOR, "--port", str(port), "--database", database or f"sqlite://{db}"]
    server = Server(name, "emulator", argv, port, workdir, env=emulator_env())
    server.count_rows = lambda: count(server.base, PACKAGES)
    return server


def count(base, collection, filter_=None):
    """Rows as the emulator's `/$count` segment reports them."""
    url = f"{base}{collection}/$count"
    if filter_:
        url += "?" + urllib.parse.urlencode({"$filter": filter_}, quote_via=urllib.parse.quote)
    request = urllib.request.Request(url, headers=HEADERS)
    with urllib.request.urlopen(request, timeout=60) as response:
        return int(response.read().decode().strip().lstrip("\ufeff"))


def ceiling(workdir):
    port = free_port()
    return Server("keep-alive actix canned 201", "ceiling", [CEILING, f"127.0.0.1:{port}"], port, workdir)


def seed_response():
    with open(SEED_RESPONSE) as f:
        return f.read().strip()


def wiremock(workdir):
    """WireMock standalone (the jar inside the npm package) with one stub: the create POST
    answered 201 with the seed response. No request journal: it would keep every request
    in memory for the whole run, which measures the journal, not the stub."""
    jar_dir = os.path.join(PEERS, "wiremock", "build")
    jar = next(os.path.join(jar_dir, f) for f in os.listdir(jar_dir) if f.endswith(".jar"))
    root = os.path.join(workdir, "wiremock")
    os.makedirs(os.path.join(root, "mappings"), exist_ok=True)
    stub = {
        "request": {"method": "POST", "urlPath": PACKAGES},
        "response": {
            "status": 201,
            "headers": {"Content-Type": "application/json;odata.metadata=minimal;charset=utf-8"},
            "body": seed_response(),
        },
    }
    with open(os.path.join(root, "mappings", "create.json"), "w") as f:
        json.dump(stub, f)
    port = free_port()
    argv = [
        "java", "-jar", jar, "--port", str(port), "--bind-address", "127.0.0.1",
        "--root-dir", root, "--disable-banner", "--no-request-journal",
    ]
    return Server(f"WireMock {version('wiremock')}, canned stub", "peer", argv, port, workdir)


def prism(workdir):
    """Prism mocking a one-operation OpenAPI document: the create POST, its request schema
    (Prism validates every request against it) and the seed response as the 201 example."""
    document = {
        "openapi": "3.0.3",
        "info": {"title": "bench create", "version": "1"},
        "paths": {
            PACKAGES: {
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["displayName"],
                                    "properties": {
                                        "catalogId": {"type": "string"},
                                        "displayName": {"type": "string"},
                                        "description": {"type": "string"},
                                        "isHidden": {"type": "boolean"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {
                                "application/json": {"example": json.loads(seed_response())}
                            },
                        }
                    },
                }
            }
        },
    }
    spec = os.path.join(workdir, "prism-create.json")
    with open(spec, "w") as f:
        json.dump(document, f)
    port = free_port()
    cli = os.path.join(PEERS, "@stoplight", "prism-cli", "dist", "index.js")
    # Logging at error level: Prism logs every request at info, a cost the others do not pay.
    argv = ["node", cli, "mock", spec, "-p", str(port), "-h", "127.0.0.1", "-v", "error"]
    return Server(f"Prism {version('@stoplight/prism-cli')}, stateless", "peer", argv, port, workdir)


def json_server(workdir):
    """json-server on a JSON file holding an empty `accessPackages` list; a routes file maps
    the Graph URL onto it, so it gets the very request the others get. Stateful: every create
    is appended and the whole file rewritten (asynchronously)."""
    db = os.path.join(workdir, "json-server-db.json")
    with open(db, "w") as f:
        json.dump({"accessPackages": []}, f)
    routes = os.path.join(workdir, "json-server-routes.json")
    with open(routes, "w") as f:
        json.dump({PACKAGES: "/accessPackages"}, f)
    port = free_port()
    cli = os.path.join(PEERS, "json-server", "lib", "cli", "bin.js")
    argv = ["node", cli, db, "--routes", routes, "-p", str(port), "-H", "127.0.0.1", "--quiet"]
    server = Server(f"json-server {version('json-server')}, stateful", "peer", argv, port, workdir)

    def rows():
        # Asked over HTTP, as the emulator's /$count is: json-server writes its file
        # asynchronously (lowdb's FileAsync), so the file lags behind the answers.
        request = urllib.request.Request(f"{server.base}/accessPackages?_limit=1")
        with urllib.request.urlopen(request, timeout=60) as response:
            return int(response.headers["X-Total-Count"])

    server.count_rows = rows
    return server


def version(package):
    with open(os.path.join(PEERS, package, "package.json")) as f:
        return json.load(f)["version"]


def peers_installed():
    return os.path.isdir(PEERS)


PEER_FACTORIES = [wiremock, prism, json_server]
