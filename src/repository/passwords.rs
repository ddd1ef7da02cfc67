//! A service principal's password credentials: changed by `addPassword` and
//! `removePassword`, read by sign-in for the client secrets it accepts.

use serde_json::Value;

use super::entity::{find, save};
use super::insert::not_found;
use super::Repository;
use crate::model::directory::SERVICE_PRINCIPAL;
use crate::model::password_credential::COLUMN;
use crate::model::Record;
use crate::Error;

impl Repository {
    /// Reads, changes and writes the credentials in one transaction, so that two
    /// `addPassword` calls at once both keep their secret.
    pub async fn change_passwords<T>(
        &self,
        id: &str,
        change: impl FnOnce(&Value) -> Result<(Value, T), Error>,
    ) -> Result<T, Error> {
        let mut tx = self.writer.begin().await?;
        let mut principal = find(&mut tx, &SERVICE_PRINCIPAL, id)
            .await?
            .ok_or_else(|| not_found(&SERVICE_PRINCIPAL, id))?;
        let (credentials, outcome) = change(principal.get(COLUMN))?;
        principal.set(COLUMN, credentials);
        save(&mut tx, &principal).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The service principal whose `appId` is `app_id`, if any: the client that signs in.
    pub async fn service_principal_by_app_id(&self, app_id: &str) -> Result<Option<Record>, Error> {
        let ids = self
            .values_where(&SERVICE_PRINCIPAL, "id", "app_id", app_id)
            .await?;
        match ids.first() {
            Some(id) => {
                let mut connection = self.reader.acquire().await?;
                find(&mut connection, &SERVICE_PRINCIPAL, id).await
            }
            None => Ok(None),
        }
    }
}
