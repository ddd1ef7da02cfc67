"""Finding or starting an emulator, in this order:

1. one already running: ``ENTITLEMENT_EMULATOR_URL`` (its plain or HTTPS base URL) and, when
   that is plain HTTP, ``ENTITLEMENT_EMULATOR_HTTPS_URL`` for sign-in;
2. the binary: ``ENTITLEMENT_EMULATOR_BINARY``, else ``entitlement-emulator`` on ``PATH``,
   started on free ports with a database in a temporary folder;
3. the container image (``ENTITLEMENT_EMULATOR_IMAGE``, default ``entitlement-emulator``)
   through testcontainers, when it is installed and a container engine answers.

Every wait is bounded; when nothing works, :class:`EmulatorUnavailable` says in one line
what was tried and why each failed.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

import httpx

URL = "ENTITLEMENT_EMULATOR_URL"
HTTPS_URL = "ENTITLEMENT_EMULATOR_HTTPS_URL"
BINARY = "ENTITLEMENT_EMULATOR_BINARY"
IMAGE = "ENTITLEMENT_EMULATOR_IMAGE"
ADMIN_TOKEN = "ENTITLEMENT_EMULATOR_ADMIN_TOKEN"
DEFAULT_IMAGE = "entitlement-emulator"
# The image's fixed ports (Dockerfile: EMULATOR__SERVER__PORT, EMULATOR__TLS__PORT).
CONTAINER_HTTP, CONTAINER_HTTPS = 8080, 8443


class EmulatorUnavailable(RuntimeError):
    """No emulator could be reached or started; the message lists every attempt."""


@dataclass
class Emulator:
    """A reachable emulator: where it answers, the certificate its HTTPS listener presents
    (a PEM file to trust), and the admin token its control surface wants, if any."""

    http_url: str
    https_url: str | None
    certificate: Path | None
    admin_token: str | None = None
    how: str = ""
    _stop: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def graph_url(self) -> str:
        """Where Graph calls go: HTTPS when served (the certificate is trusted), else HTTP."""
        return self.https_url or self.http_url

    def control(self, tenant: str | None = None) -> httpx.Client:
        """A client of the control surface (``/_emulator/``), of ``tenant`` when given."""
        prefix = f"/_emulator/tenants/{tenant}" if tenant else "/_emulator"
        headers = {"Authorization": f"Bearer {self.admin_token}"} if self.admin_token else {}
        verify = str(self.certificate) if self.certificate else True
        return httpx.Client(base_url=self.http_url + prefix, headers=headers, timeout=30, verify=verify)

    def close(self) -> None:
        """Stops what this launcher started (nothing for an emulator found running)."""
        stop, self._stop = self._stop, None
        if stop is not None:
            stop()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def start(timeout: float = 60.0, admin_token: str | None = None) -> Emulator:
    """An emulator, from the first source in the module's order that gives one."""
    admin_token = admin_token or os.environ.get(ADMIN_TOKEN)
    tried: list[str] = []
    if os.environ.get(URL):
        try:
            return connect(os.environ[URL], os.environ.get(HTTPS_URL), timeout, admin_token)
        except EmulatorUnavailable as error:
            # A URL given is what the user asked for: nothing else is tried.
            raise EmulatorUnavailable(f"{URL}={os.environ[URL]}: {error}") from None
    tried.append(f"{URL} unset")
    binary = os.environ.get(BINARY) or shutil.which("entitlement-emulator")
    if binary:
        return start_binary(binary, timeout, admin_token)
    tried.append(f"no binary ({BINARY} unset, entitlement-emulator not on PATH)")
    try:
        return start_container(os.environ.get(IMAGE, DEFAULT_IMAGE), timeout, admin_token)
    except EmulatorUnavailable as error:
        tried.append(f"container: {error}")
    raise EmulatorUnavailable("no entitlement emulator: " + "; ".join(tried))


def connect(url: str, https_url: str | None, timeout: float, admin_token: str | None) -> Emulator:
    """An emulator someone else runs: waits for its health, fetches its certificate."""
    url = url.rstrip("/")
    if https_url is None and url.startswith("https://"):
        https_url = url
    emulator = Emulator(url, https_url and https_url.rstrip("/"), None, admin_token, how=f"running at {url}")
    wait_healthy(emulator.http_url, timeout, verify=False)
    if emulator.https_url:
        certificate = emulator.certificate = download_certificate(emulator.http_url)
        emulator._stop = lambda: certificate.unlink(missing_ok=True)
    return emulator


def start_binary(binary: str, timeout: float, admin_token: str | None) -> Emulator:
    """The binary on free loopback ports, HTTPS too, its database in a temporary folder
    removed when it stops. Its stdout says where it listens, then ``ready``."""
    folder = tempfile.TemporaryDirectory(prefix="entitlement-emulator-")
    args = [
        binary, "--port", "0", "--tls", "--tls-port", "0",
        "--database", f"sqlite://{folder.name}/emulator.db",
    ]
    env = dict(os.environ)
    if admin_token:
        env["EMULATOR__ADMIN__TOKEN"] = admin_token
    try:
        process = subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=folder.name, text=True
        )
    except OSError as error:
        folder.cleanup()
        raise EmulatorUnavailable(f"{binary}: {error}") from None

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)
        folder.cleanup()

    try:
        lines = read_until_ready(process, timeout)
        http = next(line.removeprefix("listening on ") for line in lines if line.startswith("listening on http://"))
        https = next(line.removeprefix("listening on ") for line in lines if line.startswith("listening on https://"))
        certificate = next(Path(line.removeprefix("TLS certificate: ")) for line in lines if line.startswith("TLS certificate: "))
    except (EmulatorUnavailable, StopIteration) as error:
        stop()
        raise EmulatorUnavailable(f"{binary}: {str(error) or 'it printed no addresses'}") from None
    # The certificate names localhost, which sign-in libraries want rather than an address.
    emulator = Emulator(http, by_name(https), certificate, admin_token, how=f"{binary}, pid {process.pid}", _stop=stop)
    return emulator


def read_until_ready(process: subprocess.Popen[str], timeout: float) -> list[str]:
    """The stdout lines up to ``ready`` (bounded: the process may hang or exit). A thread
    reads them, and keeps reading after, so the pipe never fills."""
    stdout = process.stdout
    assert stdout is not None
    received: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        for line in stdout:
            received.put(line.strip())
        received.put(None)

    threading.Thread(target=pump, name="entitlement-emulator stdout", daemon=True).start()
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = received.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            try:
                code = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                raise EmulatorUnavailable("closed its output before it was ready") from None
            raise EmulatorUnavailable(f"exited with {code} before it was ready")
        lines.append(line)
        if line == "ready":
            return lines
    raise EmulatorUnavailable(f"not ready within {timeout:g} s (it printed {lines})")


def start_container(image: str, timeout: float, admin_token: str | None) -> Emulator:
    """The image through testcontainers, HTTPS on; waits on the health endpoint."""
    try:
        from testcontainers.core.container import DockerContainer
    except ImportError:
        raise EmulatorUnavailable("testcontainers is not installed (pip install 'entitlement-emulator[container]')") from None

    try:
        # Making the container already asks the engine for its version.
        container: Any = DockerContainer(image).with_exposed_ports(CONTAINER_HTTP, CONTAINER_HTTPS)
        container.with_env("EMULATOR__TLS__ENABLED", "true")
        if admin_token:
            container.with_env("EMULATOR__ADMIN__TOKEN", admin_token)
        container.start()
    except Exception as error:  # testcontainers raises the engine client's own errors
        raise EmulatorUnavailable(f"{image}: {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}") from None
    try:
        host = container.get_container_host_ip()
        http = f"http://{host}:{container.get_exposed_port(CONTAINER_HTTP)}"
        https = by_name(f"https://{host}:{container.get_exposed_port(CONTAINER_HTTPS)}")
        wait_healthy(http, timeout, verify=False)
        certificate = download_certificate(http)
    except BaseException:
        container.stop()
        raise

    def stop() -> None:
        container.stop()
        certificate.unlink(missing_ok=True)

    return Emulator(http, https, certificate, admin_token, how=f"container of {image}", _stop=stop)


def wait_healthy(base: str, timeout: float, verify: bool | str) -> None:
    """Polls ``GET /_emulator/health`` until 200, within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    with httpx.Client(verify=verify, timeout=5) as client:
        while time.monotonic() < deadline:
            try:
                answer = client.get(f"{base}/_emulator/health")
                if answer.status_code == 200:
                    return
                last = f"health answered {answer.status_code}"
            except httpx.HTTPError as error:
                last = f"{type(error).__name__}: {error}"
            time.sleep(0.02)
    raise EmulatorUnavailable(f"not healthy within {timeout:g} s ({last})")


def download_certificate(base: str) -> Path:
    """``GET /_emulator/certificate`` into a file of its own, for clients to trust. Over an
    https ``base`` it cannot be verified yet: it is what is about to be trusted."""
    try:
        answer = httpx.get(f"{base}/_emulator/certificate", timeout=10, verify=False)
    except httpx.HTTPError as error:
        raise EmulatorUnavailable(f"GET /_emulator/certificate: {type(error).__name__}: {error}") from None
    if answer.status_code != 200:
        raise EmulatorUnavailable(f"GET /_emulator/certificate answered {answer.status_code}: {answer.text[:200]}")
    handle, name = tempfile.mkstemp(prefix="entitlement-emulator-", suffix=".pem")
    with os.fdopen(handle, "w") as file:
        file.write(answer.text)
    return Path(name)


LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def by_name(url: str) -> str:
    """A loopback address as ``localhost``: the generated certificate names it, and sign-in
    libraries check the authority's name."""
    parts = urlsplit(url)
    if parts.hostname in LOOPBACK:
        return f"{parts.scheme}://localhost:{parts.port}"
    return url
