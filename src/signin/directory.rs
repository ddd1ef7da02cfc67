//! The emulator's own service principals as sign-in clients: the `appId` is the client id,
//! the secrets are the password credentials `addPassword` made (or the fixture gave) on
//! the service principal or on the application of that `appId`, and a disabled service
//! principal cannot sign in; an application without one cannot either, as in Entra.
//! Asked after the configured clients.

use serde_json::Value;

use super::clients::{Client, Secret};
use crate::model::password_credential::{stored_secrets, COLUMN};
use crate::model::values::parse_instant;
use crate::repository::Repository;
use crate::secret::parse_digest;
use crate::Error;

/// The service principal of `client_id` as a sign-in client, with the secrets it and its
/// application hold; granted `roles` (`auth.signin.roles`: the directory keeps no app-role
/// grants of its own).
pub async fn client(
    store: &Repository,
    client_id: &str,
    roles: &[String],
) -> Result<Option<Client>, Error> {
    let Some(principal) = store.service_principal_by_app_id(client_id).await? else {
        return Ok(None);
    };
    let instant = |text: Option<&str>| text.and_then(|text| parse_instant(text).ok());
    // Entra keeps client secrets on the application; a service principal of its own
    // (addPassword on it) signs in with its own as well.
    let application = store.application_by_app_id(client_id).await?;
    let held = application.iter().chain([&principal]);
    let secrets = held
        .flat_map(|holder| stored_secrets(holder.get(COLUMN)))
        .filter_map(|stored| {
            Some(Secret {
                sha256: parse_digest(stored.sha256)?,
                start: instant(stored.start),
                end: instant(stored.end),
            })
        })
        .collect();
    Ok(Some(Client {
        client_id: principal.text("app_id").to_owned(),
        object_id: principal.id().to_owned(),
        display_name: match principal.text("display_name") {
            "" => client_id.to_owned(),
            name => name.to_owned(),
        },
        roles: roles.to_vec(),
        secrets,
        any_secret: false,
        enabled: principal.get("account_enabled") != &Value::Bool(false),
    }))
}
