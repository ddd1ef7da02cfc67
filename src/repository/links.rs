//! Links by reference (`Link::Linked`): a group's members and owners, an access package's
//! incompatible packages and groups, a connected organization's sponsors. Listed in the
//! order they were added; added and removed one at a time, in the writer's transaction
//! that checks both ends exist.

use std::collections::HashMap;

use sqlx::{AnyConnection, Connection};

use super::entity::find;
use super::insert::not_found;
use super::sql::{Dialect, Sql};
use super::Repository;
use crate::model::{EntityType, FixtureRow, Link, LinkTable, Links, Navigation, Record};
use crate::Error;

/// The table, relation and direction of a linking navigation.
fn linked(navigation: &Navigation) -> Result<(&'static LinkTable, &'static str, bool), Error> {
    match navigation.link {
        Link::Linked {
            table,
            relation,
            reverse,
            ..
        } => Ok((table, relation, reverse)),
        _ => Err(Error::internal("a navigation routed as a link is none")),
    }
}

/// `template` with the link table's names in place of `{table}`, `{source}`, ….
fn sql(link: &LinkTable, template: &str) -> String {
    [
        ("{table}", link.table),
        ("{source}", link.source),
        ("{relation}", link.relation),
        ("{target_type}", link.target_type),
        ("{target}", link.target),
        ("{added}", link.added),
    ]
    .iter()
    .fold(template.to_owned(), |text, (name, column)| {
        text.replace(name, column)
    })
}

/// One page of what `$1` links to under `$2`, after `($3, $4)`, at most `$5`: a direct
/// link's page reads the link table's index in order; a transitive one walks `reach`.
fn page_of_links(navigation: &Navigation) -> Result<String, Error> {
    let Link::Linked {
        table,
        reverse,
        transitive: false,
        ..
    } = navigation.link
    else {
        return Ok(format!(
            "{} SELECT id, kind, min(added) AS first FROM reach GROUP BY id, kind
             HAVING (min(added), id) > ($3, $4) ORDER BY first, id LIMIT $5",
            reach(navigation)?
        ));
    };
    let (from, to, kind) = match reverse {
        false => ("{source}", "{target}", "{target_type}".to_owned()),
        true => (
            "{target}",
            "{source}",
            format!("'{}'", navigation.target().table),
        ),
    };
    Ok(sql(
        table,
        &format!(
            "SELECT {to}, {kind}, {{added}} FROM {{table}}
             WHERE {from} = $1 AND {{relation}} = $2 AND ({{added}}, {to}) > ($3, $4)
             ORDER BY {{added}}, {to} LIMIT $5"
        ),
    ))
}

/// `WITH RECURSIVE reach(id, kind, added)`: what the object `$1` links to under the
/// relation `$2` (or, reversed, is linked from), and, for a transitive navigation, what
/// those link to in turn. UNION keeps each row once, so a cycle of groups ends; the
/// object itself is never among what it reaches.
pub(super) fn reach(navigation: &Navigation) -> Result<String, Error> {
    let Link::Linked {
        table,
        reverse,
        transitive,
        ..
    } = navigation.link
    else {
        return Err(Error::internal("a navigation routed as a link is none"));
    };
    // Reversed, the related rows are the link's sources, all of the navigation's kind.
    let (from, to, kind) = match reverse {
        false => (
            table.source,
            table.target,
            format!("l.{}", table.target_type),
        ),
        true => (
            table.target,
            table.source,
            format!("'{}'", navigation.target().table),
        ),
    };
    let link = table.table;
    let relation = table.relation;
    let added = table.added;
    let mut text = format!(
        "WITH RECURSIVE reach(id, kind, added) AS (
           SELECT l.{to}, {kind}, l.{added} FROM {link} AS l
           WHERE l.{from} = $1 AND l.{relation} = $2 AND l.{to} <> $1"
    );
    if transitive {
        text.push_str(&format!(
            " UNION SELECT l.{to}, {kind}, l.{added} FROM {link} AS l JOIN reach ON l.{from} = reach.id
              WHERE l.{relation} = $2 AND l.{to} <> $1"
        ));
    }
    text.push(')');
    Ok(text)
}

/// A linked row's place in its listing: when it was linked, and its id.
pub type Place = (i64, String);

impl Repository {
    /// What `parent` links to through `navigation`, in the order linked: at most `limit`,
    /// after `after`. Each with its place, for the next page's token.
    pub async fn linked(
        &self,
        parent: &Record,
        navigation: &'static Navigation,
        after: Option<(i64, &str)>,
        limit: u64,
    ) -> Result<Vec<(Record, Place)>, Error> {
        let mut reader = self.reader.acquire().await?;
        let mut tx = reader.begin().await?;
        let (added, id) = after.unwrap_or((i64::MIN, ""));
        let rows: Vec<(String, String, i64)> = sqlx::query_as(&page_of_links(navigation)?)
            .bind(parent.id())
            .bind(linked(navigation)?.1)
            .bind(added)
            .bind(id)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&mut *tx)
            .await?;
        let mut records = Vec::with_capacity(rows.len());
        for (id, table, added) in rows {
            let kind = navigation
                .targets()
                .into_iter()
                .find(|kind| kind.table == table);
            if let Some(record) = match kind {
                Some(kind) => find(&mut tx, kind, &id).await?,
                None => None,
            } {
                records.push((record, (added, id)));
            }
        }
        tx.commit().await?;
        Ok(records)
    }

    /// The ids of every object of `table` that `id` reaches through `navigation`, in no
    /// particular order: the groups a principal is in, through nested groups too.
    pub async fn reached(
        &self,
        id: &str,
        navigation: &'static Navigation,
    ) -> Result<Vec<String>, Error> {
        Ok(sqlx::query_scalar(&format!(
            "{} SELECT DISTINCT id FROM reach",
            reach(navigation)?
        ))
        .bind(id)
        .bind(linked(navigation)?.1)
        .fetch_all(&mut *self.reader.acquire().await?)
        .await?)
    }

    /// Links `parent` to the object `target` names through `navigation` (404 when either
    /// is not there, 400 when it is linked already or is `parent` itself), or with `add`
    /// false removes that link (404 when there is none).
    pub async fn change_link(
        &self,
        (parent, parent_id): (&'static EntityType, &str),
        navigation: &'static Navigation,
        target: &str,
        add: bool,
    ) -> Result<(), Error> {
        let (link, relation, _) = linked(navigation)?;
        let mut tx = self.writer.begin().await?;
        let parent_record = find(&mut tx, parent, parent_id)
            .await?
            .ok_or_else(|| not_found(parent, parent_id))?;
        let changed =
            match add {
                true => {
                    let target = one_of(&mut tx, navigation, target)
                        .await?
                        .ok_or_else(|| not_found(parent, target))?;
                    if target.id() == parent_record.id() {
                        return Err(parent.errors.self_link(relation));
                    }
                    insert_link(&mut tx, link, parent_record.id(), relation, &target).await?
                }
                false => sqlx::query(&sql(
                    link,
                    "DELETE FROM {table} WHERE {source} = $1 AND {relation} = $2 AND {target} = $3",
                ))
                .bind(parent_record.id())
                .bind(relation)
                .bind(crate::model::values::normalize_id(target))
                .execute(&mut *tx)
                .await?,
            };
        match (changed.rows_affected(), add) {
            (0, true) => Err(parent.errors.link_exists(relation, target)),
            (0, false) => Err(not_found(parent, target)),
            _ => Ok(tx.commit().await?),
        }
    }

    /// For `$expand`: which related row each of `parents` links to (or, reversed, is
    /// linked from), as (parent, related) pairs in the order linked.
    pub async fn link_pairs(
        &self,
        navigation: &Navigation,
        parents: &[String],
    ) -> Result<Vec<(String, String)>, Error> {
        let (link, relation, reverse) = linked(navigation)?;
        if parents.is_empty() {
            return Ok(Vec::new());
        }
        if let Link::Linked {
            transitive: true, ..
        } = navigation.link
        {
            let mut pairs = Vec::new();
            for parent in parents {
                let rows: Vec<(String, i64)> = sqlx::query_as(&format!(
                    "{} SELECT id, min(added) AS first FROM reach GROUP BY id ORDER BY first, id",
                    reach(navigation)?
                ))
                .bind(parent)
                .bind(relation)
                .fetch_all(&mut *self.reader.acquire().await?)
                .await?;
                pairs.extend(rows.into_iter().map(|(id, _)| (parent.clone(), id)));
            }
            return Ok(pairs);
        }
        let (from, to) = match reverse {
            false => (link.source, link.target),
            true => (link.target, link.source),
        };
        let mut query = Sql::new(format!(
            "SELECT {from}, {to} FROM {} WHERE {} = ",
            link.table, link.relation
        ));
        query.push_bind(relation);
        query.push(format!(" AND {from} IN ("));
        query.push_binds(parents.iter().cloned());
        query.push(format!(") ORDER BY {}, {to}", link.added));
        Ok(query
            .build_query_as()
            .fetch_all(&mut *self.reader.acquire().await?)
            .await?)
    }
}

/// The object `id` names among the kinds a navigation leads to.
async fn one_of(
    tx: &mut AnyConnection,
    navigation: &Navigation,
    id: &str,
) -> Result<Option<Record>, Error> {
    for kind in navigation.targets() {
        if let Some(record) = find(tx, kind, id).await? {
            return Ok(Some(record));
        }
    }
    Ok(None)
}

/// For export: what each row of `entity` links to by reference (a client's links only),
/// by source id, in the order linked.
pub(super) async fn kept_links(
    tx: &mut AnyConnection,
    entity: &'static EntityType,
) -> Result<HashMap<String, Links>, Error> {
    let mut kept: HashMap<String, Links> = HashMap::new();
    for navigation in entity.navigations {
        let Link::Linked {
            table,
            relation,
            reverse: false,
            transitive: false,
        } = navigation.link
        else {
            continue;
        };
        let rows: Vec<(String, String)> = sqlx::query_as(&sql(
            table,
            &format!(
                "SELECT {{source}}, {{target}} FROM {{table}} WHERE {{relation}} = $1 AND {}
                 ORDER BY {{added}}, {{target}}",
                table.kept
            ),
        ))
        .bind(relation)
        .fetch_all(&mut *tx)
        .await?;
        for (source, target) in rows {
            let links = kept.entry(source).or_default();
            match links.iter_mut().find(|(n, _)| std::ptr::eq(*n, navigation)) {
                Some((_, ids)) => ids.push(target),
                None => links.push((navigation, vec![target])),
            }
        }
    }
    Ok(kept)
}

/// For seed: a fixture row's links made again, as a client's `$ref`s made them; an id
/// that names nothing the navigation leads to is refused, naming its place.
pub(super) async fn restore_links(tx: &mut AnyConnection, row: &FixtureRow) -> Result<(), Error> {
    for (navigation, ids) in &row.links {
        let (link, relation, _) = linked(navigation)?;
        for (index, id) in ids.iter().enumerate() {
            let Some(target) = one_of(tx, navigation, id).await? else {
                return Err(Error::InvalidFixture(format!(
                    "{}.{}[{index}]: no object with id '{id}' that {} can link to",
                    row.at,
                    navigation.name.any(),
                    relation
                )));
            };
            insert_link(tx, link, row.record.id(), relation, &target).await?;
        }
    }
    Ok(())
}

/// `source` links to `target` under `relation`, last in its order; a link that exists
/// already stays as it is (no row changed).
async fn insert_link(
    tx: &mut AnyConnection,
    link: &LinkTable,
    source: &str,
    relation: &str,
    target: &Record,
) -> Result<sqlx::any::AnyQueryResult, Error> {
    let next = Dialect::of(tx).next_added(link.table, link.added);
    Ok(sqlx::query(&sql(
        link,
        &format!(
            "INSERT INTO {{table}} ({{source}}, {{relation}}, {{target}}, {{target_type}}, {{added}})
             VALUES ($1, $2, $3, $4, {next})
             ON CONFLICT DO NOTHING"
        ),
    ))
    .bind(source)
    .bind(relation)
    .bind(target.id())
    .bind(target.entity().table)
    .execute(&mut *tx)
    .await?)
}
