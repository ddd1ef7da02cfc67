"""The pytest plugin (entry point ``pytest11``): fixtures for the emulator, a fresh tenant
per test and Graph clients signed in to it.

- ``entitlement_emulator`` (session): one emulator per pytest process, found or started as
  :func:`entitlement_emulator.launcher.start` says. Under pytest-xdist each worker is its
  own process and so starts its own: the binary is ready in tens of milliseconds and is
  stopped with its worker, where sharing one would need a lock, a hand-off file and someone
  to stop it after the last worker — and tenants already keep the workers apart. (A worker
  killed outright, SIGKILL, leaves its emulator running.) An emulator given
  by ``ENTITLEMENT_EMULATOR_URL`` is shared by every worker (each test in its own tenant).
- ``graph_tenant`` (function): a new tenant with a service principal and secret, deleted
  after the test.
- ``graph_client`` / ``graph_beta_client`` (function): ``GraphServiceClient`` of
  msgraph-sdk (v1.0) and msgraph-beta-sdk (beta) signed in to that tenant. Their HTTP
  client binds to the event loop that first uses it: one loop per test (``asyncio.run``,
  or pytest-asyncio's default function-scoped loop).

``--entitlement-emulator-timeout`` bounds every wait (default 60 s).
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from .launcher import Emulator, EmulatorUnavailable, start
from .tenant import Tenant


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--entitlement-emulator-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for the entitlement emulator to start or answer (default 60)",
    )


@pytest.fixture(scope="session")
def entitlement_emulator(pytestconfig: pytest.Config) -> Iterator[Emulator]:
    """The emulator this test process uses."""
    try:
        emulator = start(timeout=pytestconfig.getoption("--entitlement-emulator-timeout"))
    except EmulatorUnavailable as error:
        # One line, no traceback into the launcher: what was tried and why it failed.
        pytest.fail(str(error), pytrace=False)
    with emulator:
        yield emulator


@pytest.fixture
def graph_tenant(entitlement_emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[Tenant]:
    """A tenant of this test's own, deleted after it."""
    tenant = Tenant.create(entitlement_emulator, name=request.node.name[:100])
    yield tenant
    tenant.close()
    tenant.delete()


@pytest.fixture
def graph_client(graph_tenant: Tenant) -> Any:
    """msgraph-sdk's ``GraphServiceClient`` (v1.0), signed in to the test's tenant."""
    return graph_tenant.graph("v1.0")


@pytest.fixture
def graph_beta_client(graph_tenant: Tenant) -> Any:
    """msgraph-beta-sdk's ``GraphServiceClient`` (beta), signed in to the test's tenant."""
    return graph_tenant.graph("beta")
