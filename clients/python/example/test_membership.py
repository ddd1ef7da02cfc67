"""The sample project: four tests, each in its own tenant, run with `pytest -n 4`.

Each makes, under the same names, a user, a group, a catalog holding the group, an access package granting the
group's Member role and a direct-assignment policy, then assigns the user (adminAdd) and
checks that the request is delivered and the user is in the group.
"""

import asyncio

import pytest
from msgraph.generated.models.access_package import AccessPackage
from msgraph.generated.models.access_package_assignment import AccessPackageAssignment
from msgraph.generated.models.access_package_assignment_policy import AccessPackageAssignmentPolicy
from msgraph.generated.models.access_package_assignment_request import AccessPackageAssignmentRequest
from msgraph.generated.models.access_package_catalog import AccessPackageCatalog
from msgraph.generated.models.access_package_request_state import AccessPackageRequestState
from msgraph.generated.models.access_package_request_type import AccessPackageRequestType
from msgraph.generated.models.access_package_resource import AccessPackageResource
from msgraph.generated.models.access_package_resource_request import AccessPackageResourceRequest
from msgraph.generated.models.access_package_resource_role import AccessPackageResourceRole
from msgraph.generated.models.access_package_resource_role_scope import AccessPackageResourceRoleScope
from msgraph.generated.models.access_package_resource_scope import AccessPackageResourceScope
from msgraph.generated.models.allowed_target_scope import AllowedTargetScope
from msgraph.generated.models.group import Group
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.user import User


async def provision(graph, name: str) -> None:
    user = await graph.users.post(User(
        account_enabled=True, display_name=name, mail_nickname=name, user_principal_name=f"{name}@contoso.com",
        password_profile=PasswordProfile(password="Pa55-word-for-tests"),
    ))
    group = await graph.groups.post(Group(display_name=name, mail_enabled=False, mail_nickname=name, security_enabled=True))
    em = graph.identity_governance.entitlement_management
    catalog = await em.catalogs.post(AccessPackageCatalog(display_name=name))
    await em.resource_requests.post(AccessPackageResourceRequest(
        catalog=AccessPackageCatalog(id=catalog.id), request_type=AccessPackageRequestType.AdminAdd,
        resource=AccessPackageResource(origin_id=group.id, origin_system="AadGroup"),
    ))
    resource = (await em.catalogs.by_access_package_catalog_id(catalog.id).resources.get()).value[0]
    package = await em.access_packages.post(AccessPackage(display_name=name, catalog=AccessPackageCatalog(id=catalog.id)))
    await em.access_packages.by_access_package_id(package.id).resource_role_scopes.post(AccessPackageResourceRoleScope(
        role=AccessPackageResourceRole(
            origin_id=f"Member_{group.id}", origin_system="AadGroup", resource=AccessPackageResource(id=resource.id)
        ),
        scope=AccessPackageResourceScope(origin_id=group.id, origin_system="AadGroup"),
    ))
    policy = await em.assignment_policies.post(AccessPackageAssignmentPolicy(
        display_name=name, allowed_target_scope=AllowedTargetScope.NotSpecified, access_package=AccessPackage(id=package.id),
    ))
    request = await em.assignment_requests.post(AccessPackageAssignmentRequest(
        request_type=AccessPackageRequestType.AdminAdd,
        assignment=AccessPackageAssignment(
            additional_data={"targetId": user.id, "assignmentPolicyId": policy.id, "accessPackageId": package.id}
        ),
    ))
    read = await em.assignment_requests.by_access_package_assignment_request_id(request.id).get()
    assert read.state == AccessPackageRequestState.Delivered
    members = await graph.groups.by_group_id(group.id).members.get()
    assert [member.id for member in members.value] == [user.id]


# The same names in all four: one tenant would refuse the second user principal name.
@pytest.mark.parametrize("run", range(4))
def test_a_request_makes_a_member(graph_client, run):
    asyncio.run(provision(graph_client, "ada"))
