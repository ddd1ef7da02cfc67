//! Items of a navigation written in the parent's body (`written_with_parent`: a policy's
//! custom extension stage settings): they replace what the parent had, in the parent's
//! transaction, each checked as its own create would be.

use sqlx::AnyConnection;

use super::deletion::remove;
use super::entity::{check_references, find};
use super::insert::insert;
use super::Repository;
use crate::model::{Link, Nested, Record};
use crate::Error;

pub(super) async fn write_nested(
    tx: &mut AnyConnection,
    parent: &Record,
    nested: Vec<Nested>,
    actor: &str,
) -> Result<(), Error> {
    for Nested { navigation, items } in nested {
        let Link::ToMany { fk } = navigation.link else {
            return Err(Error::internal(
                "a nested write through a single-valued navigation",
            ));
        };
        let child = navigation.target();
        let had: Vec<String> =
            sqlx::query_scalar(&format!("SELECT id FROM {} WHERE {fk} = $1", child.table))
                .bind(parent.id())
                .fetch_all(&mut *tx)
                .await?;
        remove(tx, child, had).await?;
        for changes in items {
            let mut record = Record::create(child, changes, actor);
            record.set(fk, parent.id().into());
            check_references(tx, &record).await?;
            for outcome in insert(tx, child, &[&record]).await? {
                outcome?;
            }
        }
    }
    Ok(())
}

impl Repository {
    /// A create whose body also wrote nested items: one transaction for all.
    pub async fn create_with(
        &self,
        mut record: Record,
        nested: Vec<Nested>,
        actor: &str,
    ) -> Result<Record, Error> {
        if nested.is_empty() {
            return self.create(record).await;
        }
        let entity = record.entity();
        if let Some(prepare) = entity.prepare {
            prepare(&mut record)?;
        }
        let mut tx = self.writer.begin().await?;
        check_references(&mut tx, &record).await?;
        super::entity::check_directory(&mut tx, &record).await?;
        for outcome in insert(&mut tx, entity, &[&record]).await? {
            outcome?;
        }
        write_nested(&mut tx, &record, nested, actor).await?;
        let stored = find(&mut tx, entity, record.id())
            .await?
            .ok_or_else(|| Error::internal("a created row is gone"))?;
        tx.commit().await?;
        Ok(stored)
    }
}
