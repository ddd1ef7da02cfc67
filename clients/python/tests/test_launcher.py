"""The launcher: each way of finding an emulator, and one clear line when none works."""

import os
import re
import shutil
import time
from pathlib import Path

import httpx
import pytest

from entitlement_emulator import EmulatorUnavailable, start
from entitlement_emulator.launcher import BINARY, HTTPS_URL, IMAGE, URL, start_binary

LAUNCH = (URL, HTTPS_URL, BINARY, IMAGE)
# Read before any test's fixture unsets it.
THE_BINARY = os.environ.get(BINARY)
SLEEP = shutil.which("sleep")


@pytest.fixture
def bare(monkeypatch):
    """No emulator configured and none on PATH."""
    for name in LAUNCH:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    return monkeypatch


def blocks(pem: str) -> list[str]:
    """The certificate blocks of a PEM text, without what surrounds them."""
    return re.findall(r"-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----", pem)


def binary() -> str:
    if not THE_BINARY:
        pytest.skip(f"{BINARY} names no binary")
    return THE_BINARY


def test_the_binary_starts_on_free_ports_with_https_and_its_certificate():
    with start_binary(binary(), 30, None) as emulator:
        assert emulator.http_url.startswith("http://127.0.0.1:")
        assert emulator.https_url.startswith("https://localhost:")
        assert "-----BEGIN CERTIFICATE-----" in emulator.certificate.read_text()
        answer = httpx.get(f"{emulator.https_url}/_emulator/health", verify=str(emulator.certificate))
        assert answer.status_code == 200, answer.text
        folder = emulator.certificate.parent
    assert not folder.exists(), "the database folder goes with the emulator"


def test_a_running_emulator_is_found_by_url_and_its_certificate_downloaded(bare):
    with start_binary(binary(), 30, None) as running:
        bare.setenv(URL, running.http_url)
        bare.setenv(HTTPS_URL, running.https_url)
        with start(timeout=10) as found:
            assert (found.http_url, found.https_url) == (running.http_url, running.https_url)
            assert found.certificate != running.certificate
            assert blocks(found.certificate.read_text()) == blocks(running.certificate.read_text())
            downloaded = found.certificate
        assert not downloaded.exists(), "the downloaded copy is removed on close"
        assert httpx.get(f"{running.http_url}/_emulator/health").status_code == 200, "a found emulator is not stopped"


def test_a_url_that_answers_nothing_fails_in_one_line_within_the_timeout(bare):
    bare.setenv(URL, "http://127.0.0.1:9")
    began = time.monotonic()
    with pytest.raises(EmulatorUnavailable) as raised:
        start(timeout=0.5)
    assert time.monotonic() - began < 5
    message = str(raised.value)
    assert message.startswith(f"{URL}=http://127.0.0.1:9: not healthy within 0.5 s"), message
    assert "\n" not in message


def test_a_binary_that_exits_says_so(bare, tmp_path):
    script = tmp_path / "entitlement-emulator"
    script.write_text("#!/bin/sh\necho 'error: the database is locked' >&2\nexit 3\n")
    script.chmod(0o755)
    bare.setenv(BINARY, str(script))
    with pytest.raises(EmulatorUnavailable, match=r"entitlement-emulator: exited with 3 before it was ready"):
        start(timeout=10)


def test_a_binary_that_never_gets_ready_is_stopped_at_the_timeout(bare, tmp_path):
    script = tmp_path / "entitlement-emulator"
    script.write_text(f"#!/bin/sh\necho 'listening on http://127.0.0.1:1'\nexec {SLEEP} 60\n")
    script.chmod(0o755)
    bare.setenv(BINARY, str(script))
    began = time.monotonic()
    with pytest.raises(EmulatorUnavailable, match=r"not ready within 0.5 s \(it printed \['listening on http://127.0.0.1:1'\]\)"):
        start(timeout=0.5)
    assert time.monotonic() - began < 5


def test_nothing_to_start_lists_every_attempt(bare):
    bare.setenv(IMAGE, "entitlement-emulator-test-no-such-image")
    with pytest.raises(EmulatorUnavailable) as raised:
        start(timeout=5)
    message = str(raised.value)
    assert message.startswith(f"no entitlement emulator: {URL} unset; no binary ({BINARY} unset, entitlement-emulator not on PATH); container: "), message
    assert "\n" not in message


def test_the_binary_on_path_is_found(bare):
    folder = Path(binary()).resolve().parent
    bare.setenv("PATH", str(folder))
    with start(timeout=30) as emulator:
        assert httpx.get(f"{emulator.http_url}/_emulator/health").status_code == 200
