"""The directory and catalog-resource stories (issue 14), typed models of each SDK.

`user` makes the directory user a policy names: the emulator checks that the ids a policy
gives (targets, requestors, approvers) are in its directory, as Graph does.
"""

import uuid


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)


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
