"""The fixtures, used as a test suite uses them (CI runs this file with -n 4)."""

import asyncio
import base64
import json

import httpx
from msgraph.generated.models.access_package_catalog import AccessPackageCatalog
from msgraph_beta.generated.models.access_package_catalog import AccessPackageCatalog as BetaCatalog

from entitlement_emulator import Tenant


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_the_tenant_is_new_and_its_service_principal_signs_in_to_it(entitlement_emulator, graph_tenant):
    with entitlement_emulator.control() as control:
        listed = control.get("/tenants").json()["value"]
    assert graph_tenant.id in [tenant["id"] for tenant in listed]
    token = graph_tenant.credential().get_token("https://graph.microsoft.com/.default").token
    assert claims(token)["tid"] == graph_tenant.id
    assert claims(token)["appid"] == graph_tenant.client_id
    assert claims(token)["oid"] == graph_tenant.service_principal_id


def test_a_tenant_is_deleted_with_its_test(entitlement_emulator):
    tenant = Tenant.create(entitlement_emulator)
    tenant.delete()
    with entitlement_emulator.control() as control:
        assert control.get(f"/tenants/{tenant.id}").status_code == 404


def test_what_one_tenant_writes_another_does_not_see(entitlement_emulator, graph_tenant, graph_client):
    async def run():
        made = await graph_client.identity_governance.entitlement_management.catalogs.post(
            AccessPackageCatalog(display_name="only mine")
        )
        mine = await graph_client.identity_governance.entitlement_management.catalogs.by_access_package_catalog_id(made.id).get()
        return made, mine

    made, mine = asyncio.run(run())
    assert mine.display_name == "only mine"
    other = Tenant.create(entitlement_emulator)
    try:
        async def theirs():
            return await other.graph("v1.0").identity_governance.entitlement_management.catalogs.get()

        names = [catalog.display_name for catalog in asyncio.run(theirs()).value]
        assert names == ["General"], names
    finally:
        other.close()
        other.delete()


def test_the_beta_client_speaks_beta(graph_beta_client, graph_tenant):
    async def run():
        em = graph_beta_client.identity_governance.entitlement_management
        made = await em.access_package_catalogs.post(BetaCatalog(display_name="beta's"))
        return await em.access_package_catalogs.by_access_package_catalog_id(made.id).get()

    read = asyncio.run(run())
    assert read.display_name == "beta's"
    # The tenant's own journal: the credential's sign-in (MSAL: discovery, then the token)
    # and the SDK's two calls, nothing of any other test's.
    paths = [entry["path"] for entry in graph_tenant.journal()]
    assert paths == [
        f"/{graph_tenant.id}/v2.0/.well-known/openid-configuration",
        f"/{graph_tenant.id}/oauth2/v2.0/token",
        "/beta/identityGovernance/entitlementManagement/accessPackageCatalogs",
        f"/beta/identityGovernance/entitlementManagement/accessPackageCatalogs/{read.id}",
    ], paths


def test_the_clock_and_the_pace_are_the_tenants(entitlement_emulator, graph_tenant):
    before = graph_tenant.clock()
    moved = graph_tenant.advance_clock(by="P31D")
    assert moved["offset_ms"] - before["offset_ms"] >= 31 * 86_400_000
    paced = graph_tenant.set_lifecycle("dwell", dwell_ms={"submitted": 10, "delivering": 10})
    assert paced["pace"] == "dwell"
    assert graph_tenant.lifecycle()["pace"] == "dwell"
    other = Tenant.create(entitlement_emulator)
    try:
        assert other.clock()["offset_ms"] == 0
        assert other.lifecycle()["pace"] != "dwell"
    finally:
        other.delete()


def test_the_graph_endpoints_are_served_over_https_with_the_certificate(entitlement_emulator, graph_tenant):
    token = graph_tenant.credential().get_token("https://graph.microsoft.com/.default").token
    answer = httpx.get(
        f"{entitlement_emulator.graph_url}/v1.0/identityGovernance/entitlementManagement/catalogs",
        headers={"Authorization": f"Bearer {token}"},
        verify=graph_tenant.ssl_context(),
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["@odata.context"].startswith(entitlement_emulator.graph_url + "/v1.0/$metadata#")


def test_reset_empties_the_tenant_and_keeps_its_service_principal(graph_tenant, graph_client):
    em = graph_client.identity_governance.entitlement_management

    async def names():
        return [catalog.display_name for catalog in (await em.catalogs.get()).value]

    async def run():
        await em.catalogs.post(AccessPackageCatalog(display_name="before the reset"))
        before = await names()
        graph_tenant.reset()
        return before, await names()

    before, after = asyncio.run(run())
    assert before == ["General", "before the reset"]
    assert after == ["General"]
    fresh = graph_tenant.credential()
    try:
        assert claims(fresh.get_token("https://graph.microsoft.com/.default").token)["tid"] == graph_tenant.id
    finally:
        fresh.close()
