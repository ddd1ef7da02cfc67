"""README's pytest example, as printed there."""

import asyncio

from msgraph.generated.models.access_package_catalog import AccessPackageCatalog


def test_a_catalog_is_mine_alone(graph_client):          # also: graph_beta_client, graph_tenant
    async def run():
        em = graph_client.identity_governance.entitlement_management
        await em.catalogs.post(AccessPackageCatalog(display_name="Sales"))
        return [c.display_name for c in (await em.catalogs.get()).value]
    assert asyncio.run(run()) == ["General", "Sales"]
