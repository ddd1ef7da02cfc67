//! The emulator's own service principals as sign-in clients: the `appId` is the client id,
//! the secrets are the password credentials `addPassword` made (or the fixture gave) on
//! the service principal or on the application of that `appId`, and a disabled service
//! principal cannot sign in; an application without one cannot either, as in Entra.
//! Asked after the configured clients.

use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use super::clients::{Client, ClientDirectory, Secret};
use crate::model::password_credential::{stored_secrets, COLUMN};
use crate::model::values::parse_instant;
use crate::repository::Repository;
use crate::secret::parse_digest;
use crate::Error;

pub struct DirectoryClients {
    repository: Repository,
    /// `auth.signin.roles`: the directory keeps no app-role grants of its own, so a
    /// service principal is granted what a configured client without `roles` is.
    roles: Vec<String>,
}

impl DirectoryClients {
    pub fn new(repository: Repository, roles: Vec<String>) -> Self {
        Self { repository, roles }
    }

    async fn lookup(&self, client_id: &str) -> Result<Option<Client>, Error> {
        let Some(principal) = self
            .repository
            .service_principal_by_app_id(client_id)
            .await?
        else {
            return Ok(None);
        };
        let instant = |text: Option<&str>| text.and_then(|text| parse_instant(text).ok());
        // Entra keeps client secrets on the application; a service principal of its own
        // (addPassword on it) signs in with its own as well.
        let application = self.repository.application_by_app_id(client_id).await?;
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
            roles: self.roles.clone(),
            secrets,
            any_secret: false,
            enabled: principal.get("account_enabled") != &Value::Bool(false),
        }))
    }
}

impl ClientDirectory for DirectoryClients {
    fn find<'a>(
        &'a self,
        client_id: &'a str,
    ) -> Pin<Box<dyn Future<Output = Result<Option<Client>, Error>> + 'a>> {
        Box::pin(self.lookup(client_id))
    }
}
