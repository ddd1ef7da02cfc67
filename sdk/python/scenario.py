"""The SDK scenario with Microsoft's Python Graph SDKs, as a user would write it.

msgraph-beta-sdk against /beta, msgraph-sdk against /v1.0: create a catalog, create an
access package in it (typed models), get it, list it with $filter on displayName, patch its
description; create a directory user (client.users.post) and an assignment policy for that
user in the version's own shape, get it, PUT it, delete it; onboard a new group into a
catalog and grant its Member role in a package, then take it back (resources.py); assign
a user to a package granting a group's Member role (adminAdd, polled to delivered: the user
is a member), remove it (adminRemove: no longer a member), assign again and move the
emulator clock past the policy's 30 days (expired, member gone) (lifecycle.py); a connected
organization with a sponsor, an incompatible package refusing a request, and a custom
extension called out to a local receiver and resumed (governance.py); delete
the package, then get it again and expect the SDK's typed ODataError carrying 404, Graph's
error code and the request-id the emulator sent.

    python scenario.py beta http://127.0.0.1:8080 aio
    python scenario.py v1.0 https://localhost:8443 sync
    python scenario.py throttled http://127.0.0.1:8080 aio

The credential is azure-identity's stock ClientSecretCredential, `aio` or `sync`, built from
the variables real automation sets: AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET
and AZURE_AUTHORITY_HOST (the emulator's https:// address; its certificate trusted through
SSL_CERT_FILE for aiohttp and httpx, REQUESTS_CA_BUNDLE for requests, which MSAL uses).

`throttled` rehearses throttling: with fault injection turning half the catalog reads into
429s (seeded), the SDK's own retry handler must wait out Retry-After and get its answer;
the request journal shows the 429s it went through.
"""

import asyncio
import datetime
import inspect
import os
import sys
import time
import uuid

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)

import governance
import lifecycle
import resources

CREDENTIALS = []


def credential(flavour: str):
    """ClientSecretCredential against the emulator's token endpoint. The aio one posts to
    it straight away; the sync one is MSAL, which reads OIDC discovery first and, unless
    told `disable_instance_discovery`, asks login.microsoftonline.com about the authority."""
    if flavour == "sync":
        from azure.identity import ClientSecretCredential
    else:
        from azure.identity.aio import ClientSecretCredential
    made = ClientSecretCredential(
        os.environ["AZURE_TENANT_ID"],
        os.environ["AZURE_CLIENT_ID"],
        os.environ["AZURE_CLIENT_SECRET"],
        authority=os.environ["AZURE_AUTHORITY_HOST"],
        disable_instance_discovery=True,
    )
    CREDENTIALS.append(made)
    return made


async def closing(scenario) -> None:
    """Runs the scenario, then closes the credentials' sessions."""
    try:
        await scenario
    finally:
        for made in CREDENTIALS:
            closed = made.close()
            if inspect.isawaitable(closed):
                await closed


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


async def run(version: str, base: str, flavour: str) -> None:
    if version == "beta":
        from msgraph_beta import GraphRequestAdapter, GraphServiceClient
        from msgraph_beta.generated.identity_governance.entitlement_management.access_packages.access_packages_request_builder import (
            AccessPackagesRequestBuilder,
        )
        from msgraph_beta.generated.models.access_package import AccessPackage
        from msgraph_beta.generated.models.access_package_catalog import AccessPackageCatalog
        from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
    else:
        from msgraph import GraphRequestAdapter, GraphServiceClient
        from msgraph.generated.identity_governance.entitlement_management.access_packages.access_packages_request_builder import (
            AccessPackagesRequestBuilder,
        )
        from msgraph.generated.models.access_package import AccessPackage
        from msgraph.generated.models.access_package_catalog import AccessPackageCatalog
        from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    auth = AzureIdentityAuthenticationProvider(
        credential(flavour), scopes=["https://graph.microsoft.com/.default"]
    )
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = f"{base}/{version}"
    client = GraphServiceClient(request_adapter=adapter)
    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]

    catalog_body = AccessPackageCatalog(
        display_name=f"SDK catalog {suffix}", description="made by the Python SDK",
        is_externally_visible=True,
    )
    if version == "beta":
        catalog = await em.access_package_catalogs.post(catalog_body)
    else:
        catalog = await em.catalogs.post(catalog_body)
    check(catalog is not None and catalog.id, f"catalog created: {catalog}")
    check(catalog.display_name == f"SDK catalog {suffix}", f"catalog displayName: {catalog.display_name}")
    check(catalog.is_externally_visible is True, f"isExternallyVisible: {catalog.is_externally_visible}")
    # Graph's create response: beta's strings "UserManaged"/"Published" (reference §3), v1.0's
    # enums, which the SDK must parse into its enum types.
    if version == "beta":
        check(catalog.catalog_type == "UserManaged", f"catalogType: {catalog.catalog_type}")
        check(catalog.catalog_status == "Published", f"catalogStatus: {catalog.catalog_status}")
    else:
        check(str(catalog.catalog_type.value) == "userManaged", f"catalogType: {catalog.catalog_type}")
        check(str(catalog.state.value) == "published", f"state: {catalog.state}")

    name = f"SDK package {suffix}"
    if version == "beta":
        package_body = AccessPackage(
            catalog_id=catalog.id, display_name=name, description="first"
        )
    else:
        package_body = AccessPackage(
            catalog=AccessPackageCatalog(id=catalog.id), display_name=name, description="first"
        )
    created = await em.access_packages.post(package_body)
    check(created is not None and created.id, f"package created: {created}")
    check(created.display_name == name, f"displayName round-trips: {created.display_name}")
    check(created.is_hidden is False, f"isHidden defaults to false: {created.is_hidden}")
    check(created.created_date_time is not None, "createdDateTime parsed as a datetime")
    if version == "beta":
        check(created.catalog_id == catalog.id, f"catalogId: {created.catalog_id}")

    item = em.access_packages.by_access_package_id(created.id)
    got = await item.get()
    check(got.id == created.id and got.description == "first", f"get: {got}")
    # How the SDK serialised the binding (beta catalogId, v1.0 catalog: {id}), read back
    # through the navigation.
    navigation = "accessPackageCatalog" if version == "beta" else "catalog"
    expanded = await item.get(
        request_configuration=RequestConfiguration(
            query_parameters=item.AccessPackageItemRequestBuilderGetQueryParameters(expand=[navigation])
        )
    )
    bound = expanded.access_package_catalog if version == "beta" else expanded.catalog
    check(bound is not None and bound.id == catalog.id, f"bound to the catalog: {bound}")

    try:
        await em.access_packages.post(package_body)
    except ODataError as error:
        check(error.response_status_code == 409, f"duplicate: status {error.response_status_code}")
        check(error.error.code == "DuplicateAccessPackage", f"duplicate: code {error.error.code}")
        check(
            error.error.message == f'There\'s an existing access package with name "{name}" in the catalog.',
            f"duplicate: message {error.error.message}",
        )
    else:
        raise AssertionError("a second package of the same name must raise ODataError")

    await paging(em, AccessPackage, AccessPackagesRequestBuilder, catalog.id, version, suffix)

    query = AccessPackagesRequestBuilder.AccessPackagesRequestBuilderGetQueryParameters(
        filter=f"displayName eq '{name}'"
    )
    listed = await em.access_packages.get(
        request_configuration=RequestConfiguration(query_parameters=query)
    )
    check(
        [p.id for p in listed.value] == [created.id],
        f"$filter finds exactly the package: {[p.id for p in listed.value]}",
    )

    await item.patch(AccessPackage(description="patched by the SDK"))
    patched = await item.get()
    check(patched.description == "patched by the SDK", f"patched: {patched.description}")
    check(
        patched.modified_date_time > created.modified_date_time,
        "modifiedDateTime moves forward",
    )

    await assignment_policy(version, em, created.id, await resources.user(version, client))
    await (resources.beta if version == "beta" else resources.v1)(client)
    await (lifecycle.beta if version == "beta" else lifecycle.v1)(client, base)
    await (governance.beta if version == "beta" else governance.v1)(client)

    await item.delete()
    try:
        await item.get()
    except ODataError as error:
        check(error.response_status_code == 404, f"status {error.response_status_code}")
        # Graph's code and message for a missing ELM object (reference §4.2).
        check(error.error is not None and error.error.code == "ResourceNotFound", f"error code: {error.error}")
        check(error.error.message == "The resource was not found.", f"error message: {error.error.message}")
        inner = error.error.inner_error
        check(inner is not None and inner.request_id, f"request-id: {inner}")
        headers = {k.lower(): v for k, v in (error.response_headers or {}).items()}
        check(
            inner.request_id == headers.get("request-id"),
            f"innerError request-id {inner.request_id} is the header's {headers.get('request-id')}",
        )
        check(inner.date is not None, "innerError.date parsed")
        print(
            f"python {version}: 404 {error.error.code} request-id {inner.request_id}",
            flush=True,
        )
    else:
        raise AssertionError("a deleted package must raise ODataError")


async def paging(em, AccessPackage, AccessPackagesRequestBuilder, catalog_id: str, version: str, suffix: str) -> None:
    """One package more than a page holds (the emulator's default odata.max_page_size, 100):
    the SDK follows @odata.nextLink (with_url) until there is none and sees each once."""
    prefix = f"SDK page {suffix}"
    made = []
    for n in range(101):
        if version == "beta":
            body = AccessPackage(catalog_id=catalog_id, display_name=f"{prefix} {n}")
        else:
            from msgraph.generated.models.access_package_catalog import AccessPackageCatalog

            body = AccessPackage(catalog=AccessPackageCatalog(id=catalog_id), display_name=f"{prefix} {n}")
        made.append((await em.access_packages.post(body)).id)
    query = AccessPackagesRequestBuilder.AccessPackagesRequestBuilderGetQueryParameters(
        filter=f"startswith(displayName,'{prefix}')"
    )
    page = await em.access_packages.get(request_configuration=RequestConfiguration(query_parameters=query))
    seen, pages = [p.id for p in page.value], 1
    while page.odata_next_link:
        page = await em.access_packages.with_url(page.odata_next_link).get()
        seen += [p.id for p in page.value]
        pages += 1
        check(pages <= 3, f"paging ends: {len(seen)} seen")
    check(pages == 2, f"two pages: {pages}")
    check(sorted(seen) == sorted(made) and len(seen) == 101, f"each package once over the pages: {len(seen)} seen")
    for package_id in made:
        await em.access_packages.by_access_package_id(package_id).delete()
    print(f"python {version}: 101 packages paged through {pages} pages by @odata.nextLink", flush=True)


async def assignment_policy(version: str, em, package_id: str, user: str) -> None:
    """A self-service policy for one directory user, 30 days, typed models of the version;
    read back with the polymorphic requestor typed again; PUT as full replacement; deleted."""
    if version == "beta":
        from msgraph_beta.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
        from msgraph_beta.generated.models.approval_settings import ApprovalSettings
        from msgraph_beta.generated.models.requestor_settings import RequestorSettings
        from msgraph_beta.generated.models.single_user import SingleUser

        def body(name: str) -> AccessPackageAssignmentPolicy:
            return AccessPackageAssignmentPolicy(
                access_package_id=package_id, display_name=name, description="SDK policy", duration_in_days=30,
                requestor_settings=RequestorSettings(
                    scope_type="SpecificDirectorySubjects", accept_requests=True,
                    allowed_requestors=[SingleUser(id=user, is_backup=False, description="requestor")],
                ),
                request_approval_settings=ApprovalSettings(
                    is_approval_required=False, is_approval_required_for_extension=False,
                    is_requestor_justification_required=False, approval_mode="NoApproval", approval_stages=[],
                ),
            )

        policies = em.access_package_assignment_policies
        by_id = policies.by_access_package_assignment_policy_id
    else:
        from msgraph.generated.models.access_package import AccessPackage
        from msgraph.generated.models.access_package_assignment_approval_settings import AccessPackageAssignmentApprovalSettings
        from msgraph.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
        from msgraph.generated.models.access_package_assignment_requestor_settings import AccessPackageAssignmentRequestorSettings
        from msgraph.generated.models.allowed_target_scope import AllowedTargetScope
        from msgraph.generated.models.expiration_pattern import ExpirationPattern
        from msgraph.generated.models.expiration_pattern_type import ExpirationPatternType
        from msgraph.generated.models.single_user import SingleUser

        def body(name: str) -> AccessPackageAssignmentPolicy:
            return AccessPackageAssignmentPolicy(
                display_name=name, description="SDK policy",
                allowed_target_scope=AllowedTargetScope.SpecificDirectoryUsers,
                specific_allowed_targets=[SingleUser(user_id=user, description="requestor")],
                # Kiota's Python writer sends a timedelta as str(timedelta), "30 days, 0:00:00",
                # which is no ISO 8601 duration: the duration goes as Graph spells it.
                expiration=ExpirationPattern(type=ExpirationPatternType.AfterDuration, additional_data={"duration": "P30D"}),
                requestor_settings=AccessPackageAssignmentRequestorSettings(enable_targets_to_self_add_access=True),
                request_approval_settings=AccessPackageAssignmentApprovalSettings(
                    is_approval_required_for_add=False, is_approval_required_for_update=False, stages=[],
                ),
                access_package=AccessPackage(id=package_id),
            )

        policies = em.assignment_policies
        by_id = policies.by_access_package_assignment_policy_id

    created = await policies.post(body("SDK policy"))
    check(created is not None and created.id, f"policy created: {created}")
    got = await by_id(created.id).get()
    if version == "beta":
        requestor = got.requestor_settings.allowed_requestors[0]
        check(got.access_package_id == package_id, f"accessPackageId: {got.access_package_id}")
        check(got.duration_in_days == 30, f"durationInDays: {got.duration_in_days}")
        check(got.requestor_settings.scope_type == "SpecificDirectorySubjects", f"scopeType: {got.requestor_settings.scope_type}")
        check(got.request_approval_settings.approval_stages == [], "approvalStages is an array")
    else:
        requestor = got.specific_allowed_targets[0]
        check(str(got.allowed_target_scope.value) == "specificDirectoryUsers", f"scope: {got.allowed_target_scope}")
        check(got.expiration.duration == datetime.timedelta(days=30), f"expiration read as a timedelta: {got.expiration.duration}")
        check(got.requestor_settings.enable_targets_to_self_add_access is True, "self-add kept")
    check(isinstance(requestor, SingleUser), f"the requestor is typed by its @odata.type: {type(requestor)}")
    check((requestor.id if version == "beta" else requestor.user_id) == user, "the requestor's id")
    replaced = await by_id(created.id).put(body("SDK policy (replaced)"))
    check(replaced is not None and replaced.display_name == "SDK policy (replaced)", f"PUT answers the entity: {replaced}")
    await by_id(created.id).delete()
    print(f"python {version}: assignment policy created, read typed, replaced by PUT, deleted", flush=True)


async def throttled(base: str, flavour: str) -> None:
    from msgraph import GraphRequestAdapter, GraphServiceClient

    catalogs = "/v1.0/identityGovernance/entitlementManagement/catalogs"
    async with lifecycle.control(base) as control:
        faults = await control.put(
            "/faults",
            json={
                "enabled": True,
                "seed": 7,
                "retry_after_secs": 1,
                "rules": [{"method": "GET", "path": catalogs, "throttle_rate": 0.5}],
            },
        )
        check(faults.status_code == 200, f"faults set: {faults.text}")
        await control.delete("/requests")

        # No scopes: kiota asks for `{scheme}://{host}/.default` of the Graph URL itself.
        auth = AzureIdentityAuthenticationProvider(credential(flavour))
        adapter = GraphRequestAdapter(auth)
        adapter.base_url = f"{base}/v1.0"
        client = GraphServiceClient(request_adapter=adapter)
        started = time.monotonic()
        for _ in range(4):
            listed = await client.identity_governance.entitlement_management.catalogs.get()
            check(listed is not None and len(listed.value) >= 1, "catalogs listed")
        elapsed = time.monotonic() - started

        journal = (await control.get("/requests")).json()["value"]
        statuses = [entry["status"] for entry in journal if entry["path"] == catalogs]
        await control.delete("/faults")
    throttles = statuses.count(429)
    check(throttles > 0, f"some reads were throttled: {statuses}")
    check(statuses.count(200) == 4, f"every read got its answer in the end: {statuses}")
    check(elapsed >= throttles * 1.0, f"Retry-After waited out: {elapsed:.2f}s for {throttles}")
    print(f"python throttled: {throttles} x 429 retried by the SDK, then 200s ({statuses})", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "throttled":
        asyncio.run(closing(throttled(sys.argv[2].rstrip("/"), sys.argv[3])))
    else:
        asyncio.run(closing(run(sys.argv[1], sys.argv[2].rstrip("/"), sys.argv[3])))
