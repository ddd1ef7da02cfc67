//! Group membership: members and owners, which may be users, groups or service principals
//! (directory objects of several kinds, so not a declared navigation).

use super::entity::find;
use super::insert::not_found;
use super::Repository;
use crate::model::directory::{GROUP, PRINCIPALS};
use crate::model::{EntityType, Record};
use crate::Error;

/// Which list of a group: `members` or `owners`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    Members,
    Owners,
}

impl Relation {
    pub fn name(self) -> &'static str {
        match self {
            Self::Members => "members",
            Self::Owners => "owners",
        }
    }
}

impl Repository {
    /// The directory object with this id, whichever kind it is.
    pub async fn directory_object(&self, id: &str) -> Result<Record, Error> {
        let mut connection = self.reader.acquire().await?;
        for kind in PRINCIPALS {
            if let Some(record) = find(&mut connection, kind(), id).await? {
                return Ok(record);
            }
        }
        Err(not_found(&GROUP, id))
    }

    /// A group's members or owners, in the order they were added: at most `limit`, after
    /// the one at `after` (when it was added, its id). Each with its place, for the next
    /// page's token.
    pub async fn group_relation(
        &self,
        group: &str,
        relation: Relation,
        after: Option<(i64, &str)>,
        limit: u64,
    ) -> Result<Vec<(Record, (i64, String))>, Error> {
        let mut tx = self.reader.begin().await?;
        let group = find(&mut tx, &GROUP, group)
            .await?
            .ok_or_else(|| not_found(&GROUP, group))?;
        let (added, member) = after.unwrap_or((i64::MIN, ""));
        let ids: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT member_id, member_type, added FROM group_members
             WHERE group_id = ?1 AND relation = ?2 AND (added, member_id) > (?3, ?4)
             ORDER BY added, member_id LIMIT ?5",
        )
        .bind(group.id())
        .bind(relation.name())
        .bind(added)
        .bind(member)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *tx)
        .await?;
        let mut records = Vec::with_capacity(ids.len());
        for (id, table, added) in ids {
            if let Some(kind) = kind_of(&table) {
                if let Some(record) = find(&mut tx, kind, &id).await? {
                    records.push((record, (added, id)));
                }
            }
        }
        tx.commit().await?;
        Ok(records)
    }

    /// Adds a directory object to a group's members or owners: 400 when it is there
    /// already, as the directory words it.
    pub async fn add_to_group(
        &self,
        group: &str,
        relation: Relation,
        member: &str,
    ) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let group = the_group(&mut tx, group).await?;
        let mut found = None;
        for kind in PRINCIPALS {
            if let Some(record) = find(&mut tx, kind(), member).await? {
                found = Some(record);
                break;
            }
        }
        let member = found.ok_or_else(|| not_found(&GROUP, member))?;
        let added = sqlx::query(
            "INSERT INTO group_members (group_id, relation, member_id, member_type, added)
             VALUES (?1, ?2, ?3, ?4, (SELECT ifnull(max(added), 0) + 1 FROM group_members))
             ON CONFLICT DO NOTHING",
        )
        .bind(group.id())
        .bind(relation.name())
        .bind(member.id())
        .bind(member.entity().table)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Err(Error::rule(
                400,
                "Request_BadRequest",
                format!(
                    "One or more added object references already exist for the following modified properties: '{}'.",
                    relation.name()
                ),
            ));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a directory object from a group's members or owners; 404 when it is not there.
    pub async fn remove_from_group(
        &self,
        group: &str,
        relation: Relation,
        member: &str,
    ) -> Result<(), Error> {
        let mut tx = self.writer.begin().await?;
        let group = the_group(&mut tx, group).await?;
        let removed = sqlx::query(
            "DELETE FROM group_members WHERE group_id = ?1 AND relation = ?2 AND member_id = ?3",
        )
        .bind(group.id())
        .bind(relation.name())
        .bind(crate::model::values::normalize_id(member))
        .execute(&mut *tx)
        .await?;
        if removed.rows_affected() == 0 {
            return Err(not_found(&GROUP, member));
        }
        tx.commit().await?;
        Ok(())
    }
}

fn kind_of(table: &str) -> Option<&'static EntityType> {
    PRINCIPALS
        .iter()
        .map(|kind| kind())
        .find(|kind| kind.table == table)
}

/// The group a membership change names, or the directory's 404.
async fn the_group(tx: &mut sqlx::SqliteConnection, id: &str) -> Result<Record, Error> {
    find(tx, &GROUP, id)
        .await?
        .ok_or_else(|| not_found(&GROUP, id))
}
