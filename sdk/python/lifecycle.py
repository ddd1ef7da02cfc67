"""The assignment lifecycle (issue 15), typed models and request builders of each SDK.

`v1` (msgraph-sdk) and `beta` (msgraph-beta-sdk) tell one story in their version's names:
a user and a security group in the directory; the group onboarded into a new catalog and
its Member role granted in a new access package (a role scope), as resources.py does; a
direct-assignment policy whose assignments end after 30 days. Then:

1. an administrator's direct assignment (`adminAdd`): the 201 says submitted, the request
   and the assignment are polled (bounded) until delivered — in the emulator's default
   "immediate" pace the first read says so — and the user is a member of the group;
2. `adminRemove` of that assignment: it is expired, stays listed, and the user is no
   longer a member;
3. a second assignment, delivered; the emulator clock moved 31 days on
   (`POST /_emulator/clock/advance`, not Graph): the assignment has expired at the end its
   schedule gave, and the membership went with it;
4. everything taken away again: the finished requests, the policy, the role scope, the
   package, the resource, the catalog, the group and the user.

v1.0's `accessPackageAssignment` model declares no `targetId`, `assignmentPolicyId` or
`accessPackageId` although Graph's documented adminAdd body sends them inside `assignment`:
the first request carries them as the model's additional_data (serialised verbatim, in
camelCase); the second uses what the model does declare, `target: {objectId}`,
`assignmentPolicy: {id}` and `accessPackage: {id}`. beta's model declares all three ids.

The clock moves for the whole emulator, forward only; sign-in tokens keep real time.
"""

import asyncio
import datetime
import os
import uuid

import httpx

from resources import check, group, query, user

# A poll is bounded: the immediate pace delivers by the first read; a slower pace set on
# the emulator under test would still finish well within this (50 reads, 0.1 s apart).
POLLS = 50


async def poll(read, done, what: str):
    """Reads until `done(value)`; the value and how many reads it took."""
    value = None
    for attempt in range(1, POLLS + 1):
        value = await read()
        if done(value):
            return value, attempt
        await asyncio.sleep(0.1)
    raise AssertionError(f"{what}: not there after {POLLS} reads: {value}")


def control(base: str) -> httpx.AsyncClient:
    """A client of the emulator's control surface at `base` (plain HTTP, not Graph), with
    the admin token when one is set for the emulator: jwt mode closes the surface without it."""
    headers = {}
    if token := os.environ.get("EMULATOR__ADMIN__TOKEN"):
        headers["Authorization"] = f"Bearer {token}"
    # The control surface of the tenant the credential signs in to, which may be any.
    tenant = os.environ["AZURE_TENANT_ID"]
    return httpx.AsyncClient(base_url=f"{base}/_emulator/tenants/{tenant}", headers=headers)


async def advance_clock(base: str, by: str) -> dict:
    """`POST /_emulator/tenants/{tenant}/clock/advance` on the emulator at `base`."""
    async with control(base) as surface:
        before = (await surface.get("/clock")).json()
        moved = await surface.post("/clock/advance", json={"by": by})
    check(moved.status_code == 200, f"clock advanced: {moved.status_code} {moved.text}")
    after = moved.json()
    check(after["offset_ms"] >= before["offset_ms"], f"the clock moved forward: {before} -> {after}")
    return after


async def member_ids(client, group_id: str, User) -> list:
    """The ids of the group's members, each typed as a User by its @odata.type."""
    members = await client.groups.by_group_id(group_id).members.get()
    check(all(isinstance(m, User) for m in members.value), f"members typed: {members.value}")
    return [m.id for m in members.value]


async def v1(client, base: str) -> None:
    from msgraph.generated.identity_governance.entitlement_management.assignment_requests.item.access_package_assignment_request_item_request_builder import (
        AccessPackageAssignmentRequestItemRequestBuilder,
    )
    from msgraph.generated.identity_governance.entitlement_management.assignments.assignments_request_builder import (
        AssignmentsRequestBuilder,
    )
    from msgraph.generated.identity_governance.entitlement_management.catalogs.item.resources.resources_request_builder import (
        ResourcesRequestBuilder,
    )
    from msgraph.generated.models.access_package import AccessPackage
    from msgraph.generated.models.access_package_assignment import AccessPackageAssignment
    from msgraph.generated.models.access_package_assignment_approval_settings import AccessPackageAssignmentApprovalSettings
    from msgraph.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
    from msgraph.generated.models.access_package_assignment_request import AccessPackageAssignmentRequest
    from msgraph.generated.models.access_package_assignment_requestor_settings import AccessPackageAssignmentRequestorSettings
    from msgraph.generated.models.access_package_assignment_state import AccessPackageAssignmentState
    from msgraph.generated.models.access_package_catalog import AccessPackageCatalog
    from msgraph.generated.models.access_package_request_state import AccessPackageRequestState
    from msgraph.generated.models.access_package_request_type import AccessPackageRequestType
    from msgraph.generated.models.access_package_resource import AccessPackageResource
    from msgraph.generated.models.access_package_resource_request import AccessPackageResourceRequest
    from msgraph.generated.models.access_package_resource_role import AccessPackageResourceRole
    from msgraph.generated.models.access_package_resource_role_scope import AccessPackageResourceRoleScope
    from msgraph.generated.models.access_package_resource_scope import AccessPackageResourceScope
    from msgraph.generated.models.access_package_subject import AccessPackageSubject
    from msgraph.generated.models.allowed_target_scope import AllowedTargetScope
    from msgraph.generated.models.expiration_pattern import ExpirationPattern
    from msgraph.generated.models.expiration_pattern_type import ExpirationPatternType
    from msgraph.generated.models.group import Group
    from msgraph.generated.models.user import User

    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]

    # Around the requests: what resources.py builds and checks, in brief.
    target = await user("v1.0", client)
    aad_group = await group(client, Group, f"lc{suffix}")
    catalog = await em.catalogs.post(AccessPackageCatalog(display_name=f"SDK lifecycle {suffix}"))
    catalog_item = em.catalogs.by_access_package_catalog_id(catalog.id)

    def onboarding(kind: AccessPackageRequestType) -> AccessPackageResourceRequest:
        return AccessPackageResourceRequest(
            catalog=AccessPackageCatalog(id=catalog.id),
            request_type=kind,
            resource=AccessPackageResource(origin_id=aad_group.id, origin_system="AadGroup"),
        )

    await em.resource_requests.post(onboarding(AccessPackageRequestType.AdminAdd))
    resources = await catalog_item.resources.get(
        request_configuration=query(
            ResourcesRequestBuilder.ResourcesRequestBuilderGetQueryParameters(
                filter=f"originId eq '{aad_group.id}'"
            )
        )
    )
    resource = resources.value[0]
    package = await em.access_packages.post(
        AccessPackage(catalog=AccessPackageCatalog(id=catalog.id), display_name=f"SDK lifecycle {suffix}")
    )
    package_item = em.access_packages.by_access_package_id(package.id)
    role_scope = await package_item.resource_role_scopes.post(
        AccessPackageResourceRoleScope(
            role=AccessPackageResourceRole(
                origin_id=f"Member_{aad_group.id}",
                origin_system="AadGroup",
                resource=AccessPackageResource(id=resource.id),
            ),
            scope=AccessPackageResourceScope(origin_id=aad_group.id, origin_system="AadGroup"),
        )
    )
    policy = await em.assignment_policies.post(
        AccessPackageAssignmentPolicy(
            display_name=f"SDK direct assignment {suffix}",
            description="an administrator's direct assignments, for 30 days",
            allowed_target_scope=AllowedTargetScope.NotSpecified,
            specific_allowed_targets=[],
            # Kiota's Python writer sends a timedelta as str(timedelta), "30 days, 0:00:00",
            # which is no ISO 8601 duration (the emulator refuses it, as Graph would): the
            # duration goes as Graph spells it.
            expiration=ExpirationPattern(
                type=ExpirationPatternType.AfterDuration, additional_data={"duration": "P30D"}
            ),
            requestor_settings=AccessPackageAssignmentRequestorSettings(
                enable_targets_to_self_add_access=False, allow_custom_assignment_schedule=True
            ),
            request_approval_settings=AccessPackageAssignmentApprovalSettings(
                is_approval_required_for_add=False, is_approval_required_for_update=False, stages=[]
            ),
            access_package=AccessPackage(id=package.id),
        )
    )
    check(policy is not None and policy.id, f"policy created: {policy}")

    requests = em.assignment_requests
    assignments = em.assignments

    async def delivered(request_id: str) -> AccessPackageAssignment:
        """Polls the request, then its assignment, to delivered; the assignment."""
        read = requests.by_access_package_assignment_request_id(request_id)
        done, reads = await poll(
            read.get, lambda r: r.state == AccessPackageRequestState.Delivered, "request delivered"
        )
        check(reads == 1, f"the immediate pace: delivered at the first read, not the {reads}th")
        check(done.status == "Delivered", f"request status: {done.status}")
        check(done.created_date_time is not None and done.completed_date_time is not None, "request dated")
        listed, _ = await poll(
            lambda: assignments.get(
                request_configuration=query(
                    AssignmentsRequestBuilder.AssignmentsRequestBuilderGetQueryParameters(
                        filter=f"accessPackage/id eq '{package.id}' and target/objectId eq '{target}'"
                        " and state eq 'delivered'",
                        expand=["target", "assignmentPolicy"],
                    )
                )
            ),
            lambda page: len(page.value) == 1,
            "the delivered assignment",
        )
        assignment = listed.value[0]
        check(assignment.state == AccessPackageAssignmentState.Delivered, f"assignment state: {assignment.state}")
        check(assignment.target.object_id == target, f"$expand=target: {assignment.target}")
        check(assignment.assignment_policy.id == policy.id, f"$expand=assignmentPolicy: {assignment.assignment_policy}")
        expiration = assignment.schedule.expiration
        check(expiration.type == ExpirationPatternType.AfterDuration, f"the policy's expiration: {expiration.type}")
        check(expiration.duration == datetime.timedelta(days=30), f"30 days, read as a timedelta: {expiration.duration}")
        check(
            expiration.end_date_time - assignment.schedule.start_date_time == datetime.timedelta(days=30),
            f"ends 30 days after it starts: {assignment.schedule}",
        )
        check(await member_ids(client, aad_group.id, User) == [target], "the user is a member of the group")
        return assignment

    # 1. adminAdd with the documented body: the undeclared ids as additional data.
    added = await requests.post(
        AccessPackageAssignmentRequest(
            request_type=AccessPackageRequestType.AdminAdd,
            assignment=AccessPackageAssignment(
                additional_data={"targetId": target, "assignmentPolicyId": policy.id, "accessPackageId": package.id}
            ),
        )
    )
    check(added is not None and added.id, f"request created: {added}")
    check(added.state == AccessPackageRequestState.Submitted, f"the 201 says submitted: {added.state}")
    check(added.status == "Accepted", f"status: {added.status}")
    check(added.request_type == AccessPackageRequestType.AdminAdd, f"requestType: {added.request_type}")
    check(added.created_date_time is None, f"not yet dated: {added.created_date_time}")
    first = await delivered(added.id)

    # 2. adminRemove: the assignment ends and stays listed; the membership goes.
    removal = await requests.post(
        AccessPackageAssignmentRequest(
            request_type=AccessPackageRequestType.AdminRemove,
            assignment=AccessPackageAssignment(id=first.id),
        )
    )
    check(removal.state == AccessPackageRequestState.Submitted, f"removal submitted: {removal.state}")
    ended, _ = await poll(
        assignments.by_access_package_assignment_id(first.id).get,
        lambda a: a.state == AccessPackageAssignmentState.Expired,
        "the removed assignment expired",
    )
    check(ended.status == "Expired", f"status: {ended.status}")
    check(ended.expired_date_time is not None, "expiredDateTime parsed")
    check(await member_ids(client, aad_group.id, User) == [], "no longer a member")

    # 3. Again, through what the v1.0 model declares; then the clock ends it.
    again = await requests.post(
        AccessPackageAssignmentRequest(
            request_type=AccessPackageRequestType.AdminAdd,
            assignment=AccessPackageAssignment(
                target=AccessPackageSubject(object_id=target),
                assignment_policy=AccessPackageAssignmentPolicy(id=policy.id),
                access_package=AccessPackage(id=package.id),
            ),
        )
    )
    check(again.state == AccessPackageRequestState.Submitted, f"the 201 says submitted: {again.state}")
    second = await delivered(again.id)
    through = await requests.by_access_package_assignment_request_id(again.id).get(
        request_configuration=query(
            AccessPackageAssignmentRequestItemRequestBuilder.AccessPackageAssignmentRequestItemRequestBuilderGetQueryParameters(
                expand=["assignment"]
            )
        )
    )
    check(through.assignment is not None and through.assignment.id == second.id, f"$expand=assignment: {through.assignment}")
    moved = await advance_clock(base, "P31D")
    expired = await assignments.by_access_package_assignment_id(second.id).get()
    check(expired.state == AccessPackageAssignmentState.Expired, f"expired by the clock: {expired.state}")
    check(
        expired.expired_date_time == second.schedule.expiration.end_date_time,
        f"at the end its schedule gave: {expired.expired_date_time} vs {second.schedule.expiration.end_date_time}",
    )
    check(await member_ids(client, aad_group.id, User) == [], "the clock took the membership away")
    print(
        "python v1.0: adminAdd submitted, delivered at the first read, the user a group member; "
        f"adminRemove expired it, member gone; a second assignment expired by the clock ({moved['now']})",
        flush=True,
    )

    # 4. Take it all away: finished requests may go, then what they held.
    for request_id in [added.id, removal.id, again.id]:
        await requests.by_access_package_assignment_request_id(request_id).delete()
    await em.assignment_policies.by_access_package_assignment_policy_id(policy.id).delete()
    await package_item.resource_role_scopes.by_access_package_resource_role_scope_id(role_scope.id).delete()
    await package_item.delete()
    await em.resource_requests.post(onboarding(AccessPackageRequestType.AdminRemove))
    await catalog_item.delete()
    await client.groups.by_group_id(aad_group.id).delete()
    await client.users.by_user_id(target).delete()


async def beta(client, base: str) -> None:
    from msgraph_beta.generated.identity_governance.entitlement_management.access_package_assignments.access_package_assignments_request_builder import (
        AccessPackageAssignmentsRequestBuilder,
    )
    from msgraph_beta.generated.identity_governance.entitlement_management.access_package_catalogs.item.access_package_resources.access_package_resources_request_builder import (
        AccessPackageResourcesRequestBuilder,
    )
    from msgraph_beta.generated.models.access_package import AccessPackage
    from msgraph_beta.generated.models.access_package_assignment import AccessPackageAssignment
    from msgraph_beta.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
    from msgraph_beta.generated.models.access_package_assignment_request import AccessPackageAssignmentRequest
    from msgraph_beta.generated.models.access_package_catalog import AccessPackageCatalog
    from msgraph_beta.generated.models.access_package_resource import AccessPackageResource
    from msgraph_beta.generated.models.access_package_resource_request import AccessPackageResourceRequest
    from msgraph_beta.generated.models.access_package_resource_role import AccessPackageResourceRole
    from msgraph_beta.generated.models.access_package_resource_role_scope import AccessPackageResourceRoleScope
    from msgraph_beta.generated.models.access_package_resource_scope import AccessPackageResourceScope
    from msgraph_beta.generated.models.approval_settings import ApprovalSettings
    from msgraph_beta.generated.models.group import Group
    from msgraph_beta.generated.models.requestor_settings import RequestorSettings
    from msgraph_beta.generated.models.user import User

    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]

    target = await user("beta", client)
    aad_group = await group(client, Group, f"lc{suffix}")
    catalog = await em.access_package_catalogs.post(
        AccessPackageCatalog(display_name=f"SDK lifecycle {suffix}")
    )
    catalog_item = em.access_package_catalogs.by_access_package_catalog_id(catalog.id)

    def onboarding(kind: str) -> AccessPackageResourceRequest:
        # beta's requestType is a plain string in the SDK, spelt as Graph's beta page has it.
        return AccessPackageResourceRequest(
            catalog_id=catalog.id,
            request_type=kind,
            access_package_resource=AccessPackageResource(origin_id=aad_group.id, origin_system="AadGroup"),
        )

    await em.access_package_resource_requests.post(onboarding("AdminAdd"))
    resources = await catalog_item.access_package_resources.get(
        request_configuration=query(
            AccessPackageResourcesRequestBuilder.AccessPackageResourcesRequestBuilderGetQueryParameters(
                filter=f"originId eq '{aad_group.id}'"
            )
        )
    )
    resource = resources.value[0]
    package = await em.access_packages.post(
        AccessPackage(catalog_id=catalog.id, display_name=f"SDK lifecycle {suffix}")
    )
    package_item = em.access_packages.by_access_package_id(package.id)
    role_scope = await package_item.access_package_resource_role_scopes.post(
        AccessPackageResourceRoleScope(
            access_package_resource_role=AccessPackageResourceRole(
                origin_id=f"Member_{aad_group.id}",
                origin_system="AadGroup",
                display_name="Member",
                access_package_resource=AccessPackageResource(id=resource.id, origin_id=aad_group.id),
            ),
            access_package_resource_scope=AccessPackageResourceScope(origin_id=aad_group.id, origin_system="AadGroup"),
        )
    )
    # beta's direct-assignment policy: no one may ask (NoSubjects), assignments last 30 days.
    policy = await em.access_package_assignment_policies.post(
        AccessPackageAssignmentPolicy(
            access_package_id=package.id,
            display_name=f"SDK direct assignment {suffix}",
            description="an administrator's direct assignments, for 30 days",
            duration_in_days=30,
            can_extend=False,
            requestor_settings=RequestorSettings(scope_type="NoSubjects", accept_requests=True, allowed_requestors=[]),
            request_approval_settings=ApprovalSettings(
                is_approval_required=False, is_approval_required_for_extension=False,
                is_requestor_justification_required=False, approval_mode="NoApproval", approval_stages=[],
            ),
        )
    )
    check(policy is not None and policy.id, f"policy created: {policy}")
    check(policy.duration_in_days == 30, f"durationInDays: {policy.duration_in_days}")

    requests = em.access_package_assignment_requests
    assignments = em.access_package_assignments

    def admin_add() -> AccessPackageAssignmentRequest:
        return AccessPackageAssignmentRequest(
            request_type="AdminAdd",
            access_package_assignment=AccessPackageAssignment(
                target_id=target, assignment_policy_id=policy.id, access_package_id=package.id
            ),
        )

    async def submitted() -> AccessPackageAssignmentRequest:
        created = await requests.post(admin_add())
        check(created is not None and created.id, f"request created: {created}")
        check(created.request_state == "Submitted", f"the 201 says Submitted: {created.request_state}")
        check(created.request_status == "Accepted", f"requestStatus: {created.request_status}")
        check(created.request_type == "AdminAdd", f"requestType: {created.request_type}")
        check(created.is_validation_only is False, f"isValidationOnly: {created.is_validation_only}")
        return created

    async def delivered(request_id: str) -> AccessPackageAssignment:
        """Polls the request, then its assignment, to Delivered; the assignment."""
        read = requests.by_access_package_assignment_request_id(request_id)
        done, reads = await poll(read.get, lambda r: r.request_state == "Delivered", "request delivered")
        check(reads == 1, f"the immediate pace: Delivered at the first read, not the {reads}th")
        check(done.request_status == "Delivered", f"requestStatus: {done.request_status}")
        listed, _ = await poll(
            lambda: assignments.get(
                request_configuration=query(
                    AccessPackageAssignmentsRequestBuilder.AccessPackageAssignmentsRequestBuilderGetQueryParameters(
                        filter=f"accessPackage/id eq '{package.id}' and target/objectId eq '{target}'"
                        " and assignmentState eq 'Delivered'",
                        expand=["target"],
                    )
                )
            ),
            lambda page: len(page.value) == 1,
            "the delivered assignment",
        )
        assignment = listed.value[0]
        check(assignment.assignment_state == "Delivered", f"assignmentState: {assignment.assignment_state}")
        check(assignment.assignment_status == "Delivered", f"assignmentStatus: {assignment.assignment_status}")
        check(assignment.access_package_id == package.id, f"accessPackageId: {assignment.access_package_id}")
        check(assignment.assignment_policy_id == policy.id, f"assignmentPolicyId: {assignment.assignment_policy_id}")
        check(assignment.catalog_id == catalog.id, f"catalogId: {assignment.catalog_id}")
        check(assignment.target.object_id == target, f"$expand=target: {assignment.target}")
        check(assignment.target_id == assignment.target.id, "beta's targetId is the subject's id")
        expiration = assignment.schedule.expiration
        check(expiration.duration == datetime.timedelta(days=30), f"durationInDays 30 as the schedule's: {expiration.duration}")
        check(await member_ids(client, aad_group.id, User) == [target], "the user is a member of the group")
        return assignment

    # 1. AdminAdd with beta's declared ids.
    added = await submitted()
    first = await delivered(added.id)

    # 2. AdminRemove.
    removal = await requests.post(
        AccessPackageAssignmentRequest(
            request_type="AdminRemove", access_package_assignment=AccessPackageAssignment(id=first.id)
        )
    )
    check(removal.request_state == "Submitted", f"removal Submitted: {removal.request_state}")
    ended, _ = await poll(
        assignments.by_access_package_assignment_id(first.id).get,
        lambda a: a.assignment_state == "Expired",
        "the removed assignment expired",
    )
    check(ended.expired_date_time is not None, "expiredDateTime parsed")
    check(await member_ids(client, aad_group.id, User) == [], "no longer a member")

    # 3. Again; then the clock ends it.
    again = await submitted()
    second = await delivered(again.id)
    moved = await advance_clock(base, "P31D")
    expired = await assignments.by_access_package_assignment_id(second.id).get()
    check(expired.assignment_state == "Expired", f"expired by the clock: {expired.assignment_state}")
    check(
        expired.expired_date_time == second.schedule.expiration.end_date_time,
        f"at the end its schedule gave: {expired.expired_date_time} vs {second.schedule.expiration.end_date_time}",
    )
    check(await member_ids(client, aad_group.id, User) == [], "the clock took the membership away")
    print(
        "python beta: AdminAdd Submitted, Delivered at the first read, the user a group member; "
        f"AdminRemove expired it, member gone; a second assignment expired by the clock ({moved['now']})",
        flush=True,
    )

    # 4. Take it all away.
    for request_id in [added.id, removal.id, again.id]:
        await requests.by_access_package_assignment_request_id(request_id).delete()
    await em.access_package_assignment_policies.by_access_package_assignment_policy_id(policy.id).delete()
    await package_item.access_package_resource_role_scopes.by_access_package_resource_role_scope_id(
        role_scope.id
    ).delete()
    await package_item.delete()
    await em.access_package_resource_requests.post(onboarding("AdminRemove"))
    await catalog_item.delete()
    await client.groups.by_group_id(aad_group.id).delete()
    await client.users.by_user_id(target).delete()
