"""Governance around the packages (issue 25), in each SDK's typed models and request
builders, v1.0 (msgraph-sdk) and beta (msgraph-beta-sdk):

1. a connected organization (a domain identity source) with an internal sponsor added by
   reference, read back typed as a User;
2. separation of duties: package B names package A incompatible; a user holding A is
   refused B (the SDK's typed ODataError, 400 IncompatibleAccess);
3. a custom workflow extension called out to for real: an aiohttp server on 127.0.0.1
   stands in for the Logic App; a policy calls it when a request is created and waits;
   the request waits for the callback, the receiver gets the Logic App payload, the
   SDK's `resume` answers it, and the request goes on to delivery with the callout
   recorded as callbackReceived. Left out against an emulator that cannot reach this
   machine's loopback (one in a container: SDK_SUITE_NO_LOCAL_RECEIVER is set).
"""

import asyncio
import os
import uuid

from aiohttp import web

from lifecycle import poll
from resources import check, user


def receiver_reachable() -> bool:
    """False against an emulator in a container, which cannot reach this machine's loopback."""
    return not os.environ.get("SDK_SUITE_NO_LOCAL_RECEIVER")


class Receiver:
    """A Logic App trigger stand-in: each POSTed body is queued; answers 202 as a Logic
    App's HTTP trigger does."""

    def __init__(self) -> None:
        self.received: asyncio.Queue = asyncio.Queue()
        self.runner = None
        self.url = ""

    async def __aenter__(self) -> "Receiver":
        async def trigger(request: web.Request) -> web.Response:
            self.received.put_nowait(await request.json())
            return web.Response(status=202)

        app = web.Application()
        app.router.add_post("/trigger", trigger)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = self.runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/trigger"
        return self

    async def __aexit__(self, *exc_info) -> None:
        await self.runner.cleanup()

    async def next(self) -> dict:
        return await asyncio.wait_for(self.received.get(), timeout=10)


async def refused(post, code: str, ODataError) -> None:
    try:
        await post
    except ODataError as error:
        check(error.response_status_code == 400, f"refused: status {error.response_status_code}")
        check(error.error.code == code, f"refused: code {error.error.code}")
    else:
        raise AssertionError(f"the request must be refused with {code}")


async def v1(client) -> None:
    from msgraph.generated.models.access_package import AccessPackage
    from msgraph.generated.models.access_package_assignment import AccessPackageAssignment
    from msgraph.generated.models.access_package_assignment_approval_settings import AccessPackageAssignmentApprovalSettings
    from msgraph.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
    from msgraph.generated.models.access_package_assignment_request import AccessPackageAssignmentRequest
    from msgraph.generated.models.access_package_assignment_request_callback_data import AccessPackageAssignmentRequestCallbackData
    from msgraph.generated.models.access_package_assignment_request_workflow_extension import AccessPackageAssignmentRequestWorkflowExtension
    from msgraph.generated.models.access_package_assignment_requestor_settings import AccessPackageAssignmentRequestorSettings
    from msgraph.generated.models.access_package_catalog import AccessPackageCatalog
    from msgraph.generated.models.access_package_custom_extension_stage import AccessPackageCustomExtensionStage
    from msgraph.generated.models.access_package_request_state import AccessPackageRequestState
    from msgraph.generated.models.access_package_request_type import AccessPackageRequestType
    from msgraph.generated.models.allowed_target_scope import AllowedTargetScope
    from msgraph.generated.models.azure_ad_pop_token_authentication import AzureAdPopTokenAuthentication
    from msgraph.generated.models.connected_organization import ConnectedOrganization
    from msgraph.generated.models.connected_organization_state import ConnectedOrganizationState
    from msgraph.generated.models.custom_callout_extension import CustomCalloutExtension
    from msgraph.generated.models.custom_extension_callback_configuration import CustomExtensionCallbackConfiguration
    from msgraph.generated.models.custom_extension_callout_instance_status import CustomExtensionCalloutInstanceStatus
    from msgraph.generated.models.custom_extension_stage_setting import CustomExtensionStageSetting
    from msgraph.generated.models.domain_identity_source import DomainIdentitySource
    from msgraph.generated.models.expiration_pattern import ExpirationPattern
    from msgraph.generated.models.expiration_pattern_type import ExpirationPatternType
    from msgraph.generated.models.logic_app_trigger_endpoint_configuration import LogicAppTriggerEndpointConfiguration
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.models.reference_create import ReferenceCreate
    from msgraph.generated.models.user import User
    from msgraph.generated.identity_governance.entitlement_management.assignment_requests.item.resume.resume_post_request_body import (
        ResumePostRequestBody,
    )

    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]
    graph = "https://graph.microsoft.com/v1.0"

    # 1. A connected organization and its sponsor.
    sponsor = await user("v1.0", client)
    organization = await em.connected_organizations.post(
        ConnectedOrganization(
            display_name=f"Fabrikam {suffix}",
            description="a partner",
            identity_sources=[DomainIdentitySource(display_name="Fabrikam", domain_name=f"fabrikam{suffix}.com")],
            state=ConnectedOrganizationState.Configured,
        )
    )
    check(organization is not None and organization.id, f"organization created: {organization}")
    source = organization.identity_sources[0]
    check(isinstance(source, DomainIdentitySource), f"identity source typed: {source}")
    check(source.domain_name == f"fabrikam{suffix}.com", f"domainName: {source.domain_name}")
    check(organization.state == ConnectedOrganizationState.Configured, f"state: {organization.state}")
    partner = em.connected_organizations.by_connected_organization_id(organization.id)
    await partner.internal_sponsors.ref.post(ReferenceCreate(odata_id=f"{graph}/users/{sponsor}"))
    sponsors = await partner.internal_sponsors.get()
    check([s.id for s in sponsors.value] == [sponsor], f"internal sponsors: {sponsors.value}")
    check(isinstance(sponsors.value[0], User), f"a sponsor typed as a User: {sponsors.value[0]}")
    await partner.delete()

    # What 2 and 3 share: a catalog, a direct-assignment policy per package, a user.
    catalog = await em.catalogs.post(AccessPackageCatalog(display_name=f"SDK governance {suffix}"))

    def policy_for(package_id: str, stages=None) -> AccessPackageAssignmentPolicy:
        return AccessPackageAssignmentPolicy(
            display_name=f"direct {suffix}",
            description="an administrator's direct assignments",
            allowed_target_scope=AllowedTargetScope.NotSpecified,
            specific_allowed_targets=[],
            expiration=ExpirationPattern(type=ExpirationPatternType.NoExpiration),
            requestor_settings=AccessPackageAssignmentRequestorSettings(enable_targets_to_self_add_access=False),
            request_approval_settings=AccessPackageAssignmentApprovalSettings(
                is_approval_required_for_add=False, is_approval_required_for_update=False, stages=[]
            ),
            access_package=AccessPackage(id=package_id),
            custom_extension_stage_settings=stages,
        )

    async def package_with_policy(name: str, stages=None):
        package = await em.access_packages.post(
            AccessPackage(catalog=AccessPackageCatalog(id=catalog.id), display_name=f"{name} {suffix}")
        )
        policy = await em.assignment_policies.post(policy_for(package.id, stages))
        check(policy is not None and policy.id, f"policy created: {policy}")
        return package, policy

    def admin_add(target: str, package, policy) -> AccessPackageAssignmentRequest:
        return AccessPackageAssignmentRequest(
            request_type=AccessPackageRequestType.AdminAdd,
            assignment=AccessPackageAssignment(
                additional_data={"targetId": target, "assignmentPolicyId": policy.id, "accessPackageId": package.id}
            ),
        )

    async def delivered(request_id: str):
        read = em.assignment_requests.by_access_package_assignment_request_id(request_id).get
        done, _ = await poll(read, lambda r: r.state == AccessPackageRequestState.Delivered, "delivered")
        return done

    # 2. Separation of duties.
    target = await user("v1.0", client)
    analyst, analyst_policy = await package_with_policy("analyst")
    trader, trader_policy = await package_with_policy("trader")
    trader_item = em.access_packages.by_access_package_id(trader.id)
    await trader_item.incompatible_access_packages.ref.post(
        ReferenceCreate(odata_id=f"{graph}/identityGovernance/entitlementManagement/accessPackages/{analyst.id}")
    )
    incompatible = await trader_item.incompatible_access_packages.get()
    check([p.id for p in incompatible.value] == [analyst.id], f"incompatible packages: {incompatible.value}")
    held = await em.assignment_requests.post(admin_add(target, analyst, analyst_policy))
    await delivered(held.id)
    await refused(em.assignment_requests.post(admin_add(target, trader, trader_policy)), "IncompatibleAccess", ODataError)

    # 3. A custom extension called out to, and resumed.
    if not receiver_reachable():
        print("python v1.0: connected organization and separation of duties checked; the callout left out", flush=True)
        return
    async with Receiver() as receiver:
        extension = await em.catalogs.by_access_package_catalog_id(catalog.id).custom_workflow_extensions.post(
            AccessPackageAssignmentRequestWorkflowExtension(
                display_name=f"sod check {suffix}",
                description="asks the receiver before delivery",
                endpoint_configuration=LogicAppTriggerEndpointConfiguration(
                    subscription_id="38ab2ccc-3747-4567-b36b-9478f5602f0d",
                    resource_group_name="test",
                    logic_app_workflow_name="sod-check",
                    url=receiver.url,
                ),
                authentication_configuration=AzureAdPopTokenAuthentication(),
                # A timedelta would go as str(timedelta), no ISO 8601 duration (lifecycle.py).
                callback_configuration=CustomExtensionCallbackConfiguration(additional_data={"timeoutDuration": "PT1H"}),
            )
        )
        check(isinstance(extension, AccessPackageAssignmentRequestWorkflowExtension), f"extension typed: {extension}")
        stage = CustomExtensionStageSetting(
            stage=AccessPackageCustomExtensionStage.AssignmentRequestCreated,
            custom_extension=CustomCalloutExtension(id=extension.id),
        )
        checked, checked_policy = await package_with_policy("checked", [stage])
        request = await em.assignment_requests.post(admin_add(target, checked, checked_policy))
        item = em.assignment_requests.by_access_package_assignment_request_id(request.id)
        waiting, _ = await poll(item.get, lambda r: r.status == "WaitingForCallback", "waiting for the callback")
        check(waiting.state == AccessPackageRequestState.Submitted, f"held submitted: {waiting.state}")
        payload = await receiver.next()
        check(payload["Stage"] == "assignmentRequestCreated", f"payload stage: {payload['Stage']}")
        check(payload["AccessPackageAssignmentRequestId"] == request.id, f"payload request: {payload}")
        check(
            payload["CallbackUriPath"] == f"/identityGovernance/entitlementManagement/assignmentRequests/{request.id}/resume",
            f"callback path: {payload['CallbackUriPath']}",
        )
        instance = payload["CustomExtensionStageInstanceId"]
        await item.resume.post(
            ResumePostRequestBody(
                source="Contoso.SodCheckProcess",
                type="microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated",
                data=AccessPackageAssignmentRequestCallbackData(
                    stage=AccessPackageCustomExtensionStage.AssignmentRequestCreated,
                    custom_extension_stage_instance_id=instance,
                    custom_extension_stage_instance_detail="This user is all verified",
                ),
            )
        )
        done = await delivered(request.id)
        called = done.custom_extension_callout_instances[0]
        check(called.id == instance, f"the callout recorded: {called.id}")
        check(called.status == CustomExtensionCalloutInstanceStatus.CallbackReceived, f"callout status: {called.status}")
        check(called.detail == "This user is all verified", f"callout detail: {called.detail}")
    print(
        "python v1.0: connected organization with a sponsor typed User; an incompatible package refused "
        "(IncompatibleAccess); a callout to a local receiver held the request until resume, then delivered",
        flush=True,
    )


async def beta(client) -> None:
    from msgraph_beta.generated.models.access_package import AccessPackage
    from msgraph_beta.generated.models.access_package_assignment import AccessPackageAssignment
    from msgraph_beta.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
    from msgraph_beta.generated.models.access_package_assignment_request import AccessPackageAssignmentRequest
    from msgraph_beta.generated.models.access_package_assignment_request_callback_data import AccessPackageAssignmentRequestCallbackData
    from msgraph_beta.generated.models.access_package_assignment_request_workflow_extension import AccessPackageAssignmentRequestWorkflowExtension
    from msgraph_beta.generated.models.access_package_catalog import AccessPackageCatalog
    from msgraph_beta.generated.models.access_package_custom_extension_stage import AccessPackageCustomExtensionStage
    from msgraph_beta.generated.models.approval_settings import ApprovalSettings
    from msgraph_beta.generated.models.azure_ad_pop_token_authentication import AzureAdPopTokenAuthentication
    from msgraph_beta.generated.models.connected_organization import ConnectedOrganization
    from msgraph_beta.generated.models.connected_organization_state import ConnectedOrganizationState
    from msgraph_beta.generated.models.custom_access_package_workflow_extension import CustomAccessPackageWorkflowExtension
    from msgraph_beta.generated.models.custom_extension_callback_configuration import CustomExtensionCallbackConfiguration
    from msgraph_beta.generated.models.custom_extension_handler import CustomExtensionHandler
    from msgraph_beta.generated.models.domain_identity_source import DomainIdentitySource
    from msgraph_beta.generated.models.logic_app_trigger_endpoint_configuration import LogicAppTriggerEndpointConfiguration
    from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph_beta.generated.models.reference_create import ReferenceCreate
    from msgraph_beta.generated.models.requestor_settings import RequestorSettings
    from msgraph_beta.generated.models.user import User
    from msgraph_beta.generated.identity_governance.entitlement_management.access_package_assignment_requests.item.resume.resume_post_request_body import (
        ResumePostRequestBody,
    )

    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]
    graph = "https://graph.microsoft.com/beta"

    # 1. A connected organization and its sponsor.
    sponsor = await user("beta", client)
    organization = await em.connected_organizations.post(
        ConnectedOrganization(
            display_name=f"Fabrikam {suffix}",
            description="a partner",
            identity_sources=[DomainIdentitySource(display_name="Fabrikam", domain_name=f"fabrikam{suffix}.com")],
            state=ConnectedOrganizationState.Configured,
        )
    )
    check(isinstance(organization.identity_sources[0], DomainIdentitySource), f"typed: {organization.identity_sources}")
    partner = em.connected_organizations.by_connected_organization_id(organization.id)
    await partner.internal_sponsors.ref.post(ReferenceCreate(odata_id=f"{graph}/users/{sponsor}"))
    sponsors = await partner.internal_sponsors.get()
    check([s.id for s in sponsors.value] == [sponsor], f"internal sponsors: {sponsors.value}")
    check(isinstance(sponsors.value[0], User), f"a sponsor typed as a User: {sponsors.value[0]}")
    await partner.delete()

    catalog = await em.access_package_catalogs.post(AccessPackageCatalog(display_name=f"SDK governance {suffix}"))

    async def package_with_policy(name: str, handlers=None):
        package = await em.access_packages.post(AccessPackage(catalog_id=catalog.id, display_name=f"{name} {suffix}"))
        policy = await em.access_package_assignment_policies.post(
            AccessPackageAssignmentPolicy(
                access_package_id=package.id,
                display_name=f"direct {suffix}",
                description="an administrator's direct assignments",
                duration_in_days=30,
                can_extend=False,
                requestor_settings=RequestorSettings(scope_type="NoSubjects", accept_requests=True, allowed_requestors=[]),
                request_approval_settings=ApprovalSettings(
                    is_approval_required=False, is_approval_required_for_extension=False,
                    is_requestor_justification_required=False, approval_mode="NoApproval", approval_stages=[],
                ),
                custom_extension_handlers=handlers,
            )
        )
        check(policy is not None and policy.id, f"policy created: {policy}")
        return package, policy

    def admin_add(target: str, package, policy) -> AccessPackageAssignmentRequest:
        return AccessPackageAssignmentRequest(
            request_type="AdminAdd",
            access_package_assignment=AccessPackageAssignment(
                target_id=target, assignment_policy_id=policy.id, access_package_id=package.id
            ),
        )

    async def delivered(request_id: str):
        read = em.access_package_assignment_requests.by_access_package_assignment_request_id(request_id).get
        done, _ = await poll(read, lambda r: r.request_state == "Delivered", "delivered")
        return done

    # 2. Separation of duties.
    target = await user("beta", client)
    analyst, analyst_policy = await package_with_policy("analyst")
    trader, trader_policy = await package_with_policy("trader")
    trader_item = em.access_packages.by_access_package_id(trader.id)
    await trader_item.incompatible_access_packages.ref.post(
        ReferenceCreate(odata_id=f"{graph}/identityGovernance/entitlementManagement/accessPackages/{analyst.id}")
    )
    incompatible = await trader_item.incompatible_access_packages.get()
    check([p.id for p in incompatible.value] == [analyst.id], f"incompatible packages: {incompatible.value}")
    requests = em.access_package_assignment_requests
    held = await requests.post(admin_add(target, analyst, analyst_policy))
    await delivered(held.id)
    await refused(requests.post(admin_add(target, trader, trader_policy)), "IncompatibleAccess", ODataError)

    # 3. A custom extension called out to, and resumed.
    if not receiver_reachable():
        print("python beta: connected organization and separation of duties checked; the callout left out", flush=True)
        return
    async with Receiver() as receiver:
        extensions = em.access_package_catalogs.by_access_package_catalog_id(catalog.id).custom_access_package_workflow_extensions
        extension = await extensions.post(
            AccessPackageAssignmentRequestWorkflowExtension(
                display_name=f"sod check {suffix}",
                description="asks the receiver before delivery",
                endpoint_configuration=LogicAppTriggerEndpointConfiguration(
                    subscription_id="38ab2ccc-3747-4567-b36b-9478f5602f0d",
                    resource_group_name="test",
                    logic_app_workflow_name="sod-check",
                    url=receiver.url,
                ),
                authentication_configuration=AzureAdPopTokenAuthentication(),
                callback_configuration=CustomExtensionCallbackConfiguration(additional_data={"durationBeforeTimeout": "PT1H"}),
            )
        )
        check(isinstance(extension, CustomAccessPackageWorkflowExtension), f"extension typed: {extension}")
        handler = CustomExtensionHandler(
            stage=AccessPackageCustomExtensionStage.AssignmentRequestCreated,
            custom_extension=CustomAccessPackageWorkflowExtension(id=extension.id),
        )
        checked, checked_policy = await package_with_policy("checked", [handler])
        request = await requests.post(admin_add(target, checked, checked_policy))
        item = requests.by_access_package_assignment_request_id(request.id)
        waiting, _ = await poll(item.get, lambda r: r.request_status == "WaitingForCallback", "waiting for the callback")
        payload = await receiver.next()
        check(payload["Stage"] == "assignmentRequestCreated", f"payload stage: {payload['Stage']}")
        instance = payload["CustomExtensionStageInstanceId"]
        await item.resume.post(
            ResumePostRequestBody(
                source="Contoso.SodCheckProcess",
                type="microsoft.graph.accessPackageCustomExtensionStage.assignmentRequestCreated",
                data=AccessPackageAssignmentRequestCallbackData(
                    stage=AccessPackageCustomExtensionStage.AssignmentRequestCreated,
                    custom_extension_stage_instance_id=instance,
                    custom_extension_stage_instance_detail="This user is all verified",
                ),
            )
        )
        done = await delivered(request.id)
        called = done.custom_extension_callout_instances[0]
        check(called.id == instance, f"the callout recorded: {called.id}")
        check(called.detail == "This user is all verified", f"callout detail: {called.detail}")
    print(
        "python beta: connected organization with a sponsor typed User; an incompatible package refused "
        "(IncompatibleAccess); a callout to a local receiver held the request until resume, then delivered",
        flush=True,
    )
