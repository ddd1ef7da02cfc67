//! The directory's objects as paths name them: a user by its principal name as well as its
//! id, `directoryObjects/{id}` and `getByIds` whichever kind the id is, the groups an
//! object is in (through nested groups), and the signed-in user (`/me`).

use sqlx::AnyConnection;

use super::entity::find;
use super::insert::not_found;
use super::links::reach;
use super::sql::{self, Dialect};
use super::{rows, Repository, Who};
use crate::model::directory::{TRANSITIVE_MEMBER_OF, USER};
use crate::model::registry::DIRECTORY_OBJECTS;
use crate::model::{values, EntityType, Record};
use crate::Error;

impl Repository {
    /// `directoryObjects/{id}`: the user, group, service principal or application of that
    /// id; the directory's 404 when none is.
    pub async fn directory_object(&self, id: &str) -> Result<Record, Error> {
        let mut connection = self.reader.acquire().await?;
        for kind in DIRECTORY_OBJECTS {
            if let Some(record) = find(&mut connection, kind(), id).await? {
                return Ok(record);
            }
        }
        Err(not_found(&USER, id))
    }

    /// `directoryObjects/getByIds`: the objects of `kinds` among `ids`, in the order
    /// asked, each once; ids that name nothing are left out.
    pub async fn directory_objects(
        &self,
        ids: &[String],
        kinds: &[&'static EntityType],
    ) -> Result<Vec<Record>, Error> {
        let mut connection = self.reader.acquire().await?;
        let mut found: Vec<Record> = Vec::new();
        for id in ids {
            for kind in kinds {
                match find(&mut connection, kind, id).await? {
                    Some(record) if !found.iter().any(|seen| seen.id() == record.id()) => {
                        found.push(record);
                        break;
                    }
                    _ => {}
                }
            }
        }
        Ok(found)
    }

    /// The groups `id` is a member of, directly or through nested groups (a delivered
    /// assignment's memberships included); with `security_only`, security groups alone.
    pub async fn member_groups(&self, id: &str, security_only: bool) -> Result<Vec<String>, Error> {
        let text = format!(
            "{} SELECT DISTINCT g.id FROM reach JOIN groups AS g ON g.id = reach.id
             WHERE $3 = 0 OR g.security_enabled = 1 ORDER BY g.id",
            reach(&TRANSITIVE_MEMBER_OF)?
        );
        Ok(sqlx::query_scalar(&text)
            .bind(id)
            .bind("members")
            .bind(i64::from(security_only))
            .fetch_all(&mut *self.reader.acquire().await?)
            .await?)
    }

    /// `/me`: the directory user the caller signed in as, if the token names one.
    pub async fn signed_in_user(&self, who: &Who) -> Result<Option<Record>, Error> {
        let mut connection = self.reader.acquire().await?;
        self.caller_user(&mut connection, who).await
    }
}

impl Repository {
    /// The id of the item a path names by a key other than its id: `(appId='…')` (the
    /// key's column), or `users/{userPrincipalName}` (`column` None: the entity's
    /// alternate key, when `key` is no GUID). The set's 404, naming the key, when no row
    /// has it: never another row whose id the key happens to be.
    pub async fn id_by_key(
        &self,
        entity: &'static EntityType,
        column: Option<&'static str>,
        key: &str,
    ) -> Result<String, Error> {
        let mut connection = self.reader.acquire().await?;
        let found = match column {
            Some(column) => find_where(&mut connection, entity, column, key).await?,
            None => find_by_alternate_key(&mut connection, entity, key).await?,
        };
        found
            .map(|record| record.id().to_owned())
            .ok_or_else(|| not_found(entity, key))
    }
}

/// The row a path names by the entity's alternate key (`users/{userPrincipalName}`), when
/// the key is no GUID. Only paths name rows so: a body's ids stay ids.
async fn find_by_alternate_key(
    connection: &mut AnyConnection,
    entity: &'static EntityType,
    key: &str,
) -> Result<Option<Record>, Error> {
    let Some(column) = entity
        .alternate_key
        .filter(|_| values::canonical_guid(key).is_none())
    else {
        return Ok(None);
    };
    find_where(connection, entity, column, key).await
}

/// The row whose `column` holds `key`, ignoring case (a GUID in either case too).
async fn find_where(
    connection: &mut AnyConnection,
    entity: &'static EntityType,
    column: &str,
    key: &str,
) -> Result<Option<Record>, Error> {
    let text = format!(
        "SELECT {} FROM {} WHERE {}",
        sql::columns(entity),
        entity.table,
        Dialect::of(connection).equals_folded(column, "$1")
    );
    let row = sqlx::query(&text)
        .bind(key)
        .fetch_optional(&mut *connection)
        .await?;
    row.map(|row| rows::record(entity, &row)).transpose()
}
