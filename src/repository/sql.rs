//! OData filters and orderings as SQL, for any declared entity. Every value is bound; only
//! column and table names, which come from the declarations, and operators are written
//! into the text.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use crate::model::{Edm, EntityType, LinkTable};
use crate::odata::{Column, Direction, Filter, Scalar};
use crate::Error;
use serde_json::Value;

mod builder;
mod dialect;
mod filter;

pub(super) use self::builder::Sql;
pub use self::dialect::Dialect;

/// The rows of a set a listing is confined to, besides its `$filter`.
#[derive(Debug, Clone, Copy)]
pub enum Within<'a> {
    /// Those whose `column` is `value`: a collection a navigation contains.
    Column(&'static str, &'a str),
    /// Those `link` pairs with `value` under `relation`: its targets, or with `reverse`
    /// its sources.
    Linked {
        link: &'static LinkTable,
        relation: &'static str,
        reverse: bool,
        value: &'a str,
    },
}

/// What to list: a filter, an optional fixed scope (`catalog_id = …`), an order, and
/// where the previous page ended.
pub struct ListQuery<'a> {
    pub filter: Option<&'a Filter>,
    pub scope: Option<Within<'a>>,
    pub order: &'a [(Column, Direction)],
    pub after: Option<&'a [Scalar]>,
    pub skip: u64,
    pub limit: u64,
}

/// A statement's text that depends only on the declaration and the dialect, built on
/// first use and kept: the hot writes would otherwise format the same few hundred bytes on
/// every call. `kind` names the statement; the entity is told apart by its address.
pub(super) fn cached(
    entity: &'static EntityType,
    kind: &'static str,
    dialect: Dialect,
    build: impl FnOnce(&'static EntityType, Dialect) -> String,
) -> Arc<str> {
    type Texts = RwLock<HashMap<(usize, &'static str, Dialect), Arc<str>>>;
    static TEXTS: OnceLock<Texts> = OnceLock::new();
    let texts = TEXTS.get_or_init(Texts::default);
    let key = (std::ptr::from_ref(entity) as usize, kind, dialect);
    if let Some(text) = texts
        .read()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return Arc::clone(text);
    }
    let text: Arc<str> = build(entity, dialect).into();
    texts
        .write()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(key, Arc::clone(&text));
    text
}

/// `id, display_name, …`: every declared column, in declaration order.
pub(super) fn columns(entity: &EntityType) -> String {
    let names: Vec<&str> = entity.stored().map(|p| p.column).collect();
    names.join(", ")
}

/// `r.value ->> 'id', r.value ->> 'display_name', …`: every column of a row passed as the
/// JSON object `r.value` (`rows::json_row`), in declaration order.
pub(super) fn json_values(entity: &EntityType, dialect: Dialect) -> String {
    let values: Vec<String> = entity
        .stored()
        .map(|property| json_value(entity, property, dialect))
        .collect();
    values.join(", ")
}

/// One column's value in an insert: from the row, or copied from the entity its foreign
/// key names.
fn json_value(entity: &EntityType, property: &crate::model::Property, dialect: Dialect) -> String {
    match property.copied {
        Some(copied) => {
            let table = entity
                .reference(copied.fk)
                .map_or("", |navigation| navigation.target().table);
            format!(
                "(SELECT p.{} FROM {table} AS p WHERE p.id = {})",
                copied.column,
                dialect.json_field("r.value", copied.fk, false)
            )
        }
        None => json_column(property, dialect),
    }
}

/// `display_name = r.value ->> 'display_name', …`: every column but `id` set from the row
/// `r.value`, as `json_values` reads it.
pub(super) fn json_assignments(entity: &EntityType, dialect: Dialect) -> String {
    let assignments: Vec<String> = entity
        .stored()
        .filter(|property| property.column != "id")
        .map(|property| {
            format!(
                "{} = {}",
                property.column,
                json_value(entity, property, dialect)
            )
        })
        .collect();
    assignments.join(", ")
}

/// A column's value from the row `r.value`, in the column's type.
pub(super) fn json_column(property: &crate::model::Property, dialect: Dialect) -> String {
    let integer = matches!(property.edm, Edm::Bool | Edm::Int32);
    dialect.json_field("r.value", property.column, integer)
}

/// A stored value as a bind: complex values are their JSON text.
pub(super) fn scalar(value: &Value) -> Scalar {
    match value {
        Value::Null => Scalar::Null,
        Value::Bool(flag) => Scalar::Bool(*flag),
        Value::Number(number) => number
            .as_i64()
            .map_or_else(|| Scalar::Text(number.to_string()), Scalar::Int),
        Value::String(text) => Scalar::Text(text.clone()),
        other => Scalar::Text(other.to_string()),
    }
}

pub(super) fn bind(sql: &mut Sql, value: &Scalar) {
    match value {
        Scalar::Null => sql.push_bind(Option::<String>::None),
        // Stored as 0 or 1 in both backends (PostgreSQL's columns are BIGINT).
        Scalar::Bool(flag) => sql.push_bind(i64::from(*flag)),
        Scalar::Int(number) => sql.push_bind(*number),
        Scalar::Text(text) => sql.push_bind(text.clone()),
    };
}

/// Builds statements over one entity's table.
pub(super) struct Statement<'e> {
    pub entity: &'e EntityType,
    pub dialect: Dialect,
    pub sql: Sql,
}

impl<'e> Statement<'e> {
    pub fn new(entity: &'e EntityType, dialect: Dialect, text: &str) -> Self {
        Self {
            entity,
            dialect,
            sql: Sql::new(text),
        }
    }

    /// `WHERE …` for scope and filter.
    pub fn conditions(&mut self, filter: Option<&Filter>, scope: Option<Within<'_>>) {
        let table = self.entity.table;
        self.sql.push(" WHERE TRUE");
        match scope {
            None => {}
            Some(Within::Column(column, value)) => {
                self.sql.push(format!(" AND {table}.{column} = "));
                self.sql.push_bind(value.to_owned());
            }
            Some(Within::Linked {
                link,
                relation,
                reverse,
                value,
            }) => {
                let (from, to) = match reverse {
                    false => (link.source, link.target),
                    true => (link.target, link.source),
                };
                self.sql.push(format!(
                    " AND {table}.id IN (SELECT {to} FROM {} WHERE {from} = ",
                    link.table
                ));
                self.sql.push_bind(value.to_owned());
                self.sql.push(format!(" AND {} = ", link.relation));
                self.sql.push_bind(relation);
                self.sql.push(")");
            }
        }
        if let Some(filter) = filter {
            self.sql.push(" AND ");
            self.filter(filter);
        }
    }

    /// `ORDER BY` for the sort keys (which end with `id`) and, for a following page, the
    /// keyset condition that resumes after the previous page's last row.
    pub fn order(
        &mut self,
        keys: &[(Column, Direction)],
        after: Option<&[Scalar]>,
    ) -> Result<String, Error> {
        if let Some(after) = after {
            if after.len() != keys.len() {
                return Err(Error::InvalidQuery(
                    "The $skiptoken is not valid for this request.".to_owned(),
                ));
            }
            let sorted: Vec<String> = keys
                .iter()
                .map(|(column, _)| self.sort_expression(*column))
                .collect();
            let symbol = |direction: Direction| {
                if direction == Direction::Ascending {
                    " > "
                } else {
                    " < "
                }
            };
            // `keys` always ends with id, so it is never empty.
            let direction = keys[0].1;
            if keys.iter().all(|(_, d)| *d == direction) {
                // One direction: a row-value comparison, which SQLite turns into an index
                // range, so page n costs no more than page 1.
                self.sql.push(format!(
                    " AND ({}){}(",
                    sorted.join(", "),
                    symbol(direction)
                ));
                for (i, (column, _)) in keys.iter().enumerate() {
                    if i > 0 {
                        self.sql.push(", ");
                    }
                    bind_key(&mut self.sql, self.dialect, *column, &after[i]);
                }
                self.sql.push(")");
            } else {
                // Mixed directions: (k1 > v1) OR (k1 = v1 AND k2 < v2) OR …
                self.sql.push(" AND (");
                for i in 0..keys.len() {
                    if i > 0 {
                        self.sql.push(" OR ");
                    }
                    self.sql.push("(");
                    for (j, (column, _)) in keys.iter().enumerate().take(i) {
                        self.sql.push(format!("{} = ", sorted[j]));
                        bind_key(&mut self.sql, self.dialect, *column, &after[j]);
                        self.sql.push(" AND ");
                    }
                    let (column, direction) = keys[i];
                    self.sql.push(format!("{}{}", sorted[i], symbol(direction)));
                    bind_key(&mut self.sql, self.dialect, column, &after[i]);
                    self.sql.push(")");
                }
                self.sql.push(")");
            }
        }
        Ok(keys
            .iter()
            .map(|(column, direction)| {
                let direction = if *direction == Direction::Ascending {
                    "ASC"
                } else {
                    "DESC"
                };
                format!("{} {direction}", self.sort_expression(*column))
            })
            .collect::<Vec<_>>()
            .join(", "))
    }

    /// How a column sorts: text ignoring case, nulls as empty text so that keyset
    /// comparisons never meet NULL.
    fn sort_expression(&self, column: Column) -> String {
        let expression = self.expression(column);
        match (nullable(column), is_text(column)) {
            (true, _) => self
                .dialect
                .folded(&self.dialect.if_null(&expression, "''")),
            (false, true) => self.dialect.folded(&expression),
            (false, false) => expression,
        }
    }
}

/// A keyset bound, compared as its column sorts (`sort_expression`): SQLite folds case by
/// the collation the column's side names, PostgreSQL must fold the bound itself, or
/// `translate(name) > 'aXb'` holds for the row named `aXb` and a page starts again at it.
fn bind_key(sql: &mut Sql, dialect: Dialect, column: Column, value: &Scalar) {
    let (before, after) = if nullable(column) || is_text(column) {
        dialect.fold_around(false)
    } else {
        ("", "")
    };
    sql.push(before);
    bind(sql, &sort_value(column, value));
    sql.push(after);
}

fn nullable(column: Column) -> bool {
    column.property.nullable || column.via.is_some()
}

fn is_text(column: Column) -> bool {
    matches!(column.property.edm, Edm::String)
}

fn sort_value(column: Column, value: &Scalar) -> Scalar {
    match value {
        Scalar::Null if nullable(column) => Scalar::Text(String::new()),
        other => other.clone(),
    }
}

/// The listing statement, after `prefix` (empty, or `EXPLAIN QUERY PLAN `).
pub(super) fn list(
    entity: &EntityType,
    dialect: Dialect,
    prefix: &str,
    query: &ListQuery<'_>,
) -> Result<Sql, Error> {
    let mut statement = Statement::new(
        entity,
        dialect,
        &format!("{prefix}SELECT {} FROM {}", columns(entity), entity.table),
    );
    statement.conditions(query.filter, query.scope);
    let order = statement.order(query.order, query.after)?;
    // Written into the text, not bound: SQLite's planner weighs "read an index in order and
    // stop after LIMIT rows" against "filter, then sort" only when it knows the limit. With
    // a bound LIMIT, contains() on 100k rows walked the whole table (0.5 s); numbers, so
    // nothing a client sends reaches the SQL text.
    // SQLite's integers are i64; a larger literal would be read as a float and refused.
    let clamp = |n: u64| n.min(i64::MAX as u64);
    let mut sql = statement.sql;
    sql.push(format!(" ORDER BY {order} LIMIT {}", clamp(query.limit)));
    if query.skip > 0 {
        sql.push(format!(" OFFSET {}", clamp(query.skip)));
    }
    Ok(sql)
}
