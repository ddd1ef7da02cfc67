"""The directory and catalog-resource stories (issue 14), typed models of each SDK.

`user` makes the directory user a policy names: the emulator checks that the ids a policy
gives (targets, requestors, approvers) are in its directory, as Graph does.

`beta` (msgraph-beta-sdk) and `v1` (msgraph-sdk) tell one story in their version's names:
create a security group in the directory; onboard it into a new catalog with an adminAdd
resource request (delivered at once); find the catalog's resource with $filter on originId,
its scope with $expand and through the resource, its Member role with $filter on the
catalog's resource roles; grant that role in an access package with a role scope, read it
back with a nested $expand; then take it all away again: the role scope, the resource
(adminRemove, after which the catalog lists none), the package, the catalog and the group.
"""

import uuid

from kiota_abstractions.base_request_configuration import RequestConfiguration


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


def query(parameters) -> RequestConfiguration:
    """The request configuration carrying a builder's typed GetQueryParameters."""
    return RequestConfiguration(query_parameters=parameters)


async def user(version: str, client) -> str:
    """A new enabled member user, created as one would be against Graph; its id."""
    if version == "beta":
        from msgraph_beta.generated.models.password_profile import PasswordProfile
        from msgraph_beta.generated.models.user import User
    else:
        from msgraph.generated.models.password_profile import PasswordProfile
        from msgraph.generated.models.user import User
    nickname = f"sdkuser{uuid.uuid4().hex[:8]}"
    created = await client.users.post(
        User(
            account_enabled=True,
            display_name=f"SDK user {nickname}",
            mail_nickname=nickname,
            user_principal_name=f"{nickname}@contoso.onmicrosoft.com",
            password_profile=PasswordProfile(
                force_change_password_next_sign_in=True, password=f"Pw-{uuid.uuid4()}"
            ),
        )
    )
    check(created is not None and created.id, f"user created: {created}")
    check(
        created.user_principal_name == f"{nickname}@contoso.onmicrosoft.com",
        f"userPrincipalName: {created.user_principal_name}",
    )
    return created.id


async def group(client, Group, suffix: str):
    """A new security group (not mail-enabled), with the version's typed Group."""
    created = await client.groups.post(
        Group(
            display_name=f"SDK group {suffix}",
            description="onboarded by the SDK suite",
            mail_enabled=False,
            mail_nickname=f"sdkgroup{suffix}",
            security_enabled=True,
        )
    )
    check(created is not None and created.id, f"group created: {created}")
    return created


async def beta(client) -> None:
    from msgraph_beta.generated.identity_governance.entitlement_management.access_package_catalogs.item.access_package_resource_roles.access_package_resource_roles_request_builder import (
        AccessPackageResourceRolesRequestBuilder,
    )
    from msgraph_beta.generated.identity_governance.entitlement_management.access_package_catalogs.item.access_package_resources.access_package_resources_request_builder import (
        AccessPackageResourcesRequestBuilder,
    )
    from msgraph_beta.generated.identity_governance.entitlement_management.access_packages.item.access_package_item_request_builder import (
        AccessPackageItemRequestBuilder,
    )
    from msgraph_beta.generated.models.access_package import AccessPackage
    from msgraph_beta.generated.models.access_package_catalog import AccessPackageCatalog
    from msgraph_beta.generated.models.access_package_resource import AccessPackageResource
    from msgraph_beta.generated.models.access_package_resource_request import AccessPackageResourceRequest
    from msgraph_beta.generated.models.access_package_resource_role import AccessPackageResourceRole
    from msgraph_beta.generated.models.access_package_resource_role_scope import AccessPackageResourceRoleScope
    from msgraph_beta.generated.models.access_package_resource_scope import AccessPackageResourceScope
    from msgraph_beta.generated.models.group import Group

    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]
    aad_group = await group(client, Group, suffix)
    catalog = await em.access_package_catalogs.post(
        AccessPackageCatalog(display_name=f"SDK resources {suffix}")
    )
    catalog_item = em.access_package_catalogs.by_access_package_catalog_id(catalog.id)

    def request(kind: str) -> AccessPackageResourceRequest:
        # beta's requestType is a plain string in the SDK, spelt as Graph's beta page has it.
        return AccessPackageResourceRequest(
            catalog_id=catalog.id,
            request_type=kind,
            access_package_resource=AccessPackageResource(
                origin_id=aad_group.id, origin_system="AadGroup"
            ),
        )

    added = await em.access_package_resource_requests.post(request("AdminAdd"))
    check(added is not None and added.id, f"resource request created: {added}")
    check(added.request_state == "Delivered", f"requestState: {added.request_state}")
    check(added.request_type == "AdminAdd", f"requestType: {added.request_type}")
    check(added.catalog_id == catalog.id, f"catalogId: {added.catalog_id}")

    listed = await catalog_item.access_package_resources.get(
        request_configuration=query(
            AccessPackageResourcesRequestBuilder.AccessPackageResourcesRequestBuilderGetQueryParameters(
                filter=f"originId eq '{aad_group.id}'",
                expand=["accessPackageResourceScopes"],
            )
        )
    )
    check(len(listed.value) == 1, f"one resource for the group: {listed.value}")
    resource = listed.value[0]
    check(resource.origin_system == "AadGroup", f"originSystem: {resource.origin_system}")
    check(resource.display_name == aad_group.display_name, f"displayName: {resource.display_name}")
    check(resource.resource_type == "Security Group", f"resourceType: {resource.resource_type}")
    scopes = resource.access_package_resource_scopes or []
    check(
        [(s.origin_id, s.is_root_scope) for s in scopes] == [(aad_group.id, True)],
        f"$expand: the group's root scope: {scopes}",
    )
    through = await catalog_item.access_package_resources.by_access_package_resource_id(
        resource.id
    ).access_package_resource_scopes.get()
    check([s.id for s in through.value] == [scopes[0].id], f"the resource's scopes: {through.value}")

    roles = await catalog_item.access_package_resource_roles.get(
        request_configuration=query(
            AccessPackageResourceRolesRequestBuilder.AccessPackageResourceRolesRequestBuilderGetQueryParameters(
                filter=f"originSystem eq 'AadGroup' and accessPackageResource/id eq '{resource.id}'",
                expand=["accessPackageResource"],
            )
        )
    )
    by_name = {role.display_name: role for role in roles.value}
    check(sorted(by_name) == ["Member", "Owner"], f"a group's roles: {sorted(by_name)}")
    member = by_name["Member"]
    check(member.origin_id == f"Member_{aad_group.id}", f"Member's originId: {member.origin_id}")
    check(
        member.access_package_resource is not None
        and member.access_package_resource.id == resource.id,
        f"$expand=accessPackageResource: {member.access_package_resource}",
    )

    package = await em.access_packages.post(
        AccessPackage(catalog_id=catalog.id, display_name=f"SDK package with a group {suffix}")
    )
    package_item = em.access_packages.by_access_package_id(package.id)
    role_scope = await package_item.access_package_resource_role_scopes.post(
        AccessPackageResourceRoleScope(
            access_package_resource_role=AccessPackageResourceRole(
                origin_id=member.origin_id,
                origin_system="AadGroup",
                display_name="Member",
                access_package_resource=AccessPackageResource(
                    id=resource.id, origin_id=aad_group.id, resource_type="Security Group"
                ),
            ),
            access_package_resource_scope=AccessPackageResourceScope(
                origin_id=aad_group.id, origin_system="AadGroup"
            ),
        )
    )
    check(role_scope is not None and role_scope.id, f"role scope created: {role_scope}")

    read = await package_item.get(
        request_configuration=query(
            AccessPackageItemRequestBuilder.AccessPackageItemRequestBuilderGetQueryParameters(
                expand=[
                    "accessPackageResourceRoleScopes($expand=accessPackageResourceRole,accessPackageResourceScope)"
                ],
            )
        )
    )
    granted = read.access_package_resource_role_scopes or []
    check([g.id for g in granted] == [role_scope.id], f"the package's role scopes: {granted}")
    check(
        granted[0].access_package_resource_role.origin_id == f"Member_{aad_group.id}",
        f"expanded role: {granted[0].access_package_resource_role}",
    )
    check(
        granted[0].access_package_resource_scope.origin_id == aad_group.id,
        f"expanded scope: {granted[0].access_package_resource_scope}",
    )

    await package_item.access_package_resource_role_scopes.by_access_package_resource_role_scope_id(
        role_scope.id
    ).delete()
    removed = await em.access_package_resource_requests.post(request("AdminRemove"))
    check(removed.request_state == "Delivered", f"AdminRemove requestState: {removed.request_state}")
    left = await catalog_item.access_package_resources.get()
    check(left.value == [], f"no resources left: {left.value}")
    await package_item.delete()
    await catalog_item.delete()
    await client.groups.by_group_id(aad_group.id).delete()
    print(
        "python beta: group onboarded (AdminAdd), Member role granted by a role scope, "
        "read back expanded, removed (AdminRemove)",
        flush=True,
    )


async def v1(client) -> None:
    from msgraph.generated.identity_governance.entitlement_management.access_packages.item.access_package_item_request_builder import (
        AccessPackageItemRequestBuilder,
    )
    from msgraph.generated.identity_governance.entitlement_management.catalogs.item.resource_roles.resource_roles_request_builder import (
        ResourceRolesRequestBuilder,
    )
    from msgraph.generated.identity_governance.entitlement_management.catalogs.item.resources.resources_request_builder import (
        ResourcesRequestBuilder,
    )
    from msgraph.generated.models.access_package import AccessPackage
    from msgraph.generated.models.access_package_catalog import AccessPackageCatalog
    from msgraph.generated.models.access_package_request_state import AccessPackageRequestState
    from msgraph.generated.models.access_package_request_type import AccessPackageRequestType
    from msgraph.generated.models.access_package_resource import AccessPackageResource
    from msgraph.generated.models.access_package_resource_request import AccessPackageResourceRequest
    from msgraph.generated.models.access_package_resource_role import AccessPackageResourceRole
    from msgraph.generated.models.access_package_resource_role_scope import AccessPackageResourceRoleScope
    from msgraph.generated.models.access_package_resource_scope import AccessPackageResourceScope
    from msgraph.generated.models.group import Group

    em = client.identity_governance.entitlement_management
    suffix = uuid.uuid4().hex[:8]
    aad_group = await group(client, Group, suffix)
    catalog = await em.catalogs.post(AccessPackageCatalog(display_name=f"SDK resources {suffix}"))
    catalog_item = em.catalogs.by_access_package_catalog_id(catalog.id)

    def request(kind: AccessPackageRequestType) -> AccessPackageResourceRequest:
        return AccessPackageResourceRequest(
            catalog=AccessPackageCatalog(id=catalog.id),
            request_type=kind,
            resource=AccessPackageResource(origin_id=aad_group.id, origin_system="AadGroup"),
        )

    added = await em.resource_requests.post(request(AccessPackageRequestType.AdminAdd))
    check(added is not None and added.id, f"resource request created: {added}")
    check(added.state == AccessPackageRequestState.Delivered, f"state: {added.state}")
    check(added.request_type == AccessPackageRequestType.AdminAdd, f"requestType: {added.request_type}")

    listed = await catalog_item.resources.get(
        request_configuration=query(
            ResourcesRequestBuilder.ResourcesRequestBuilderGetQueryParameters(
                filter=f"originId eq '{aad_group.id}'",
                expand=["scopes"],
            )
        )
    )
    check(len(listed.value) == 1, f"one resource for the group: {listed.value}")
    resource = listed.value[0]
    check(resource.origin_system == "AadGroup", f"originSystem: {resource.origin_system}")
    check(resource.display_name == aad_group.display_name, f"displayName: {resource.display_name}")
    check(resource.created_date_time is not None, "createdDateTime parsed")
    scopes = resource.scopes or []
    check(
        [(s.origin_id, s.is_root_scope) for s in scopes] == [(aad_group.id, True)],
        f"$expand: the group's root scope: {scopes}",
    )
    through = await catalog_item.resources.by_access_package_resource_id(resource.id).scopes.get()
    check([s.id for s in through.value] == [scopes[0].id], f"the resource's scopes: {through.value}")

    roles = await catalog_item.resource_roles.get(
        request_configuration=query(
            ResourceRolesRequestBuilder.ResourceRolesRequestBuilderGetQueryParameters(
                filter=f"originSystem eq 'AadGroup' and resource/id eq '{resource.id}'",
                expand=["resource"],
            )
        )
    )
    by_name = {role.display_name: role for role in roles.value}
    check(sorted(by_name) == ["Member", "Owner"], f"a group's roles: {sorted(by_name)}")
    member = by_name["Member"]
    check(member.origin_id == f"Member_{aad_group.id}", f"Member's originId: {member.origin_id}")
    check(
        member.resource is not None and member.resource.id == resource.id,
        f"$expand=resource: {member.resource}",
    )

    package = await em.access_packages.post(
        AccessPackage(
            catalog=AccessPackageCatalog(id=catalog.id),
            display_name=f"SDK package with a group {suffix}",
        )
    )
    package_item = em.access_packages.by_access_package_id(package.id)
    role_scope = await package_item.resource_role_scopes.post(
        AccessPackageResourceRoleScope(
            role=AccessPackageResourceRole(
                origin_id=member.origin_id,
                origin_system="AadGroup",
                resource=AccessPackageResource(id=resource.id),
            ),
            scope=AccessPackageResourceScope(origin_id=aad_group.id, origin_system="AadGroup"),
        )
    )
    check(role_scope is not None and role_scope.id, f"role scope created: {role_scope}")

    read = await package_item.get(
        request_configuration=query(
            AccessPackageItemRequestBuilder.AccessPackageItemRequestBuilderGetQueryParameters(
                expand=["resourceRoleScopes($expand=role,scope)"],
            )
        )
    )
    granted = read.resource_role_scopes or []
    check([g.id for g in granted] == [role_scope.id], f"the package's role scopes: {granted}")
    check(
        granted[0].role.origin_id == f"Member_{aad_group.id}",
        f"expanded role: {granted[0].role}",
    )
    check(granted[0].scope.origin_id == aad_group.id, f"expanded scope: {granted[0].scope}")

    await package_item.resource_role_scopes.by_access_package_resource_role_scope_id(
        role_scope.id
    ).delete()
    removed = await em.resource_requests.post(request(AccessPackageRequestType.AdminRemove))
    check(removed.state == AccessPackageRequestState.Delivered, f"adminRemove state: {removed.state}")
    left = await catalog_item.resources.get()
    check(left.value == [], f"no resources left: {left.value}")
    await package_item.delete()
    await catalog_item.delete()
    await client.groups.by_group_id(aad_group.id).delete()
    print(
        "python v1.0: group onboarded (adminAdd), Member role granted by a role scope, "
        "read back expanded, removed (adminRemove)",
        flush=True,
    )
