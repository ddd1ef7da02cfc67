//! Service principals' and applications' password credentials: changed by `addPassword`
//! and `removePassword`, read by sign-in for the client secrets it accepts.

use serde_json::Value;

use super::entity::{find, save};
use super::insert::not_found;
use super::Repository;
use crate::model::application::APPLICATION;
use crate::model::directory::SERVICE_PRINCIPAL;
use crate::model::password_credential::COLUMN;
use crate::model::{EntityType, Record};
use crate::Error;

impl Repository {
    /// Reads, changes and writes the credentials in one transaction, so that two
    /// `addPassword` calls at once both keep their secret.
    pub async fn change_passwords<T>(
        &self,
        entity: &'static EntityType,
        id: &str,
        change: impl FnOnce(&Value) -> Result<(Value, T), Error>,
    ) -> Result<T, Error> {
        let mut tx = self.writer.begin().await?;
        let mut principal = find(&mut tx, entity, id)
            .await?
            .ok_or_else(|| not_found(entity, id))?;
        let (credentials, outcome) = change(principal.get(COLUMN))?;
        principal.set(COLUMN, credentials);
        save(&mut tx, &principal).await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The service principal whose `appId` is `app_id`, if any: the client that signs in.
    pub async fn service_principal_by_app_id(&self, app_id: &str) -> Result<Option<Record>, Error> {
        self.by_app_id(&SERVICE_PRINCIPAL, app_id).await
    }

    /// The application whose `appId` is `app_id`, if any: its secrets sign in too.
    pub async fn application_by_app_id(&self, app_id: &str) -> Result<Option<Record>, Error> {
        self.by_app_id(&APPLICATION, app_id).await
    }

    async fn by_app_id(
        &self,
        entity: &'static EntityType,
        app_id: &str,
    ) -> Result<Option<Record>, Error> {
        let ids = self.values_where(entity, "id", "app_id", app_id).await?;
        match ids.first() {
            Some(id) => {
                let mut connection = self.reader.acquire().await?;
                find(&mut connection, entity, id).await
            }
            None => Ok(None),
        }
    }
}
