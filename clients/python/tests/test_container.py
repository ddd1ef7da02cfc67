"""The image through testcontainers (tests/container.sh runs this with
ENTITLEMENT_EMULATOR_IMAGE and an engine's DOCKER_HOST; elsewhere it is skipped)."""

import os

import httpx
import pytest

from entitlement_emulator import Tenant, start

pytestmark = pytest.mark.skipif(
    not os.environ.get("ENTITLEMENT_EMULATOR_IMAGE") or os.environ.get("ENTITLEMENT_EMULATOR_BINARY"),
    reason="ENTITLEMENT_EMULATOR_IMAGE unset (or a binary is given, which the launcher takes first)",
)


def test_the_launcher_starts_the_image_and_signs_a_tenant_in_at_its_mapped_ports():
    with start(timeout=120) as emulator:
        assert emulator.how.startswith("container of ")
        # localhost, or the gateway address the engine is reached by, which the certificate names.
        assert emulator.https_url.startswith("https://")
        tenant = Tenant.create(emulator)
        token = tenant.credential().get_token("https://graph.microsoft.com/.default").token
        answer = httpx.post(
            f"{emulator.graph_url}/v1.0/identityGovernance/entitlementManagement/catalogs",
            json={"displayName": "in a container"},
            headers={"Authorization": f"Bearer {token}"},
            verify=tenant.ssl_context(),
        )
        assert answer.status_code == 201, answer.text
        assert answer.headers["location"].startswith(f"{emulator.graph_url}/v1.0/")
        tenant.close()
