//! The resource-owner password grant (`grant_type=password`): delegated tokens (`scp`,
//! `upn`) for the users of `[[auth.signin.users]]`, so tests can act as a person without a
//! browser. Entra discourages the grant and so does this emulator outside tests.

use actix_web::HttpResponse;

use super::token::{authenticate, credentials, invalid_scope, respond, Asked, Issued, OIDC_SCOPES};
use super::SignInError;
use crate::Error;

pub async fn grant(request: &Asked<'_>) -> Result<HttpResponse, Error> {
    let (signin, form, v1) = (request.signin, request.form, request.v1);
    let (client_id, secret) = credentials(form, request.req)?;
    let username = form.require("username")?;
    let password = form
        .secret("password")
        .ok_or_else(|| SignInError::missing("password"))?;
    let (resource, asked) = if v1 {
        (form.require("resource")?.to_owned(), vec![".default"])
    } else {
        delegated_scopes(form.require("scope")?)?
    };
    let aud = signin.graph_audience(request.base, &resource, &request.at.id)?;
    let client = authenticate(request, &client_id, secret.as_deref(), false).await?;
    let Some(user) = signin.configured.user(username) else {
        return Err(SignInError::bad_request(
            "invalid_grant",
            50_034,
            format!("The user account {username} does not exist in the {} directory. To sign into this application, the account must be added to the directory.", request.at.id),
        )
        .into());
    };
    if !user.password_matches(password) {
        return Err(SignInError::bad_request(
            "invalid_grant",
            50_126,
            "Error validating credentials due to invalid username or password.",
        )
        .into());
    }
    // `.default` is everything consented; named permissions must each be consented.
    let granted: Vec<String> = if asked.contains(&".default") {
        user.scopes.clone()
    } else {
        let mut granted = Vec::new();
        for permission in &asked {
            match user.scopes.iter().find(|s| s.eq_ignore_ascii_case(permission)) {
                Some(scope) => granted.push(scope.clone()),
                None => {
                    return Err(SignInError::bad_request(
                        "invalid_grant",
                        65_001,
                        format!("The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.", client.client_id, client.display_name),
                    )
                    .into())
                }
            }
        }
        granted
    };
    let scp = granted.join(" ");
    let mut claims = Issued::new(
        request,
        aud.clone(),
        &client,
        if secret.is_some() { "1" } else { "0" },
    );
    claims.amr = Some(vec!["pwd"]);
    claims.name = Some(user.display_name.clone());
    claims.oid = user.object_id.clone();
    claims.sub = user.object_id.clone();
    claims.scp = Some(scp.clone());
    claims.unique_name = Some(user.username.clone());
    claims.upn = Some(user.username.clone());
    respond(signin, v1, &aud, &claims, (!v1).then_some(scp))
}

/// The one resource a delegated `scope` names and the permissions asked of it:
/// `{resource}/{permission}` or `{resource}/.default`, or a bare permission, which Entra
/// takes as Graph's.
fn delegated_scopes(scope: &str) -> Result<(String, Vec<&str>), SignInError> {
    let mut resource: Option<&str> = None;
    let mut asked = Vec::new();
    for item in scope
        .split_whitespace()
        .filter(|s| !OIDC_SCOPES.contains(s))
    {
        let (this, permission) = match item.rsplit_once('/') {
            Some((this, permission)) if !this.is_empty() && !permission.is_empty() => {
                (this.trim_end_matches('/'), permission)
            }
            None => ("https://graph.microsoft.com", item),
            Some(_) => return Err(invalid_scope(scope)),
        };
        match resource {
            Some(known) if !known.eq_ignore_ascii_case(this) => {
                return Err(SignInError::bad_request(
                    "invalid_scope",
                    700_022,
                    format!("The provided value for the input parameter scope is not valid because it contains more than one resource. Scope {scope} is not valid."),
                ))
            }
            _ => resource = Some(this),
        }
        asked.push(permission);
    }
    match resource {
        Some(resource) => Ok((resource.to_owned(), asked)),
        None => Err(invalid_scope(scope)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delegated_scopes_name_one_resource() {
        let (resource, asked) = delegated_scopes(
            "https://graph.microsoft.com/EntitlementManagement.Read.All openid offline_access",
        )
        .unwrap();
        assert_eq!(resource, "https://graph.microsoft.com");
        assert_eq!(asked, ["EntitlementManagement.Read.All"]);
        let (resource, asked) = delegated_scopes("EntitlementManagement.Read.All").unwrap();
        assert_eq!(resource, "https://graph.microsoft.com");
        assert_eq!(asked, ["EntitlementManagement.Read.All"]);
        assert_eq!(
            delegated_scopes("https://a/x https://b/y")
                .unwrap_err()
                .code,
            Some(700_022)
        );
        assert_eq!(delegated_scopes("openid").unwrap_err().code, Some(70_011));
    }
}
