//! The directory's objects as paths name them: a user by its principal name as well as its
//! id, and `directoryObjects/{id}`, whichever kind the id is.

use sqlx::SqliteConnection;

use super::entity::find;
use super::insert::not_found;
use super::{rows, sql, Repository};
use crate::model::directory::{PRINCIPALS, USER};
use crate::model::{values, EntityType, Record};
use crate::Error;

impl Repository {
    /// `directoryObjects/{id}`: the user, group or service principal of that id; the
    /// directory's 404 when none is.
    pub async fn directory_object(&self, id: &str) -> Result<Record, Error> {
        let mut connection = self.reader.acquire().await?;
        for kind in PRINCIPALS {
            if let Some(record) = find(&mut connection, kind(), id).await? {
                return Ok(record);
            }
        }
        Err(not_found(&USER, id))
    }
}

/// The row a path names by the entity's alternate key (`users/{userPrincipalName}`), when
/// the key is no GUID. Only paths name rows so: a body's ids stay ids.
pub(super) async fn find_by_alternate_key(
    connection: &mut SqliteConnection,
    entity: &'static EntityType,
    key: &str,
) -> Result<Option<Record>, Error> {
    let Some(column) = entity
        .alternate_key
        .filter(|_| values::canonical_guid(key).is_none())
    else {
        return Ok(None);
    };
    let text = format!(
        "SELECT {} FROM {} WHERE {column} = ?1 COLLATE NOCASE",
        sql::columns(entity),
        entity.table
    );
    let row = sqlx::query(&text)
        .bind(key)
        .fetch_optional(&mut *connection)
        .await?;
    row.map(|row| rows::record(entity, &row)).transpose()
}
