//! OData filters and orderings as SQL. Every value is bound; only column names, which come
//! from the fixed `column` map, and operators are written into the text.

use sqlx::sqlite::{SqliteArguments, SqliteRow};
use sqlx::{Arguments, FromRow};

use super::Repository;
use crate::domain::{Field, Kind, Scalar};
use crate::graph::odata::{Comparison, Direction, Filter, Operand, TextMatch};
use crate::Error;

/// A table whose rows can be listed.
pub trait Table: for<'r> FromRow<'r, SqliteRow> + Send + Unpin {
    const NAME: &'static str;
    const COLUMNS: &'static str;

    /// The stored value of a field, for paging tokens.
    fn value(&self, field: Field) -> Scalar;
}

fn column(field: Field) -> &'static str {
    match field {
        Field::Id => "id",
        Field::CatalogId => "catalog_id",
        Field::DisplayName => "display_name",
        Field::Description => "description",
        Field::IsHidden => "is_hidden",
        Field::IsRoleScopesVisible => "is_role_scopes_visible",
        Field::CatalogType => "catalog_type",
        Field::State => "state",
        Field::IsExternallyVisible => "is_externally_visible",
        Field::CreatedBy => "created_by",
        Field::CreatedDateTime => "created_date_time",
        Field::ModifiedBy => "modified_by",
        Field::ModifiedDateTime => "modified_date_time",
    }
}

fn nullable(field: Field) -> bool {
    matches!(
        field,
        Field::Description | Field::CreatedBy | Field::ModifiedBy
    )
}

/// What to list: a filter, an optional fixed scope (`catalog_id = …`), an order, and
/// where the previous page ended.
pub struct ListQuery<'a> {
    pub filter: Option<&'a Filter>,
    pub scope: Option<(Field, &'a str)>,
    pub order: &'a [(Field, Direction)],
    pub after: Option<&'a [Scalar]>,
    pub skip: u64,
    pub limit: u64,
}

/// SQL text and its arguments, built together so that placeholders and binds line up.
#[derive(Default)]
struct Sql {
    text: String,
    arguments: SqliteArguments<'static>,
}

impl Sql {
    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn bind(&mut self, value: &Scalar) -> Result<(), Error> {
        let added = match value {
            Scalar::Null => self.arguments.add(Option::<String>::None),
            Scalar::Bool(flag) => self.arguments.add(*flag),
            Scalar::Int(number) => self.arguments.add(*number),
            Scalar::Text(text) => self.arguments.add(text.clone()),
        };
        added.map_err(Error::internal)?;
        self.text.push('?');
        Ok(())
    }

    /// `WHERE …` for scope and filter (and `AND` whatever follows).
    fn conditions(
        &mut self,
        filter: Option<&Filter>,
        scope: Option<(Field, &str)>,
    ) -> Result<(), Error> {
        self.push(" WHERE 1");
        if let Some((field, value)) = scope {
            self.push(&format!(" AND {} = ", column(field)));
            self.bind(&Scalar::Text(value.to_owned()))?;
        }
        if let Some(filter) = filter {
            self.push(" AND ");
            self.filter(filter)?;
        }
        Ok(())
    }

    fn filter(&mut self, filter: &Filter) -> Result<(), Error> {
        match filter {
            Filter::And(left, right) | Filter::Or(left, right) => {
                self.push("(");
                self.filter(left)?;
                self.push(if matches!(filter, Filter::And(..)) {
                    " AND "
                } else {
                    " OR "
                });
                self.filter(right)?;
                self.push(")");
            }
            Filter::Not(inner) => {
                self.push("NOT (");
                self.filter(inner)?;
                self.push(")");
            }
            Filter::IsTrue(operand) => {
                self.push("(");
                self.operand(operand)?;
                self.push(" IS 1)");
            }
            Filter::Compare(left, operator, right) => self.compare(left, *operator, right)?,
            Filter::In(left, list) => {
                self.push("(");
                self.not_null_guard(left);
                self.operand(left)?;
                self.push(collation(left, list.first()));
                self.push(" IN (");
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.operand(item)?;
                }
                self.push("))");
            }
            Filter::Text(which, haystack, needle) => {
                let escaped = needle
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                let pattern = match which {
                    TextMatch::Contains => format!("%{escaped}%"),
                    TextMatch::StartsWith => format!("{escaped}%"),
                    TextMatch::EndsWith => format!("%{escaped}"),
                };
                // unlikely(): SQLite cannot guess how many rows a pattern matches and assumes
                // most do, so it walks the sort index and reads every row to find a page of
                // rare matches (160 ms on 100k rows). Marked rare, it filters first and sorts
                // the matches (15-30 ms).
                self.push("unlikely(");
                self.not_null_guard(haystack);
                self.operand(haystack)?;
                // LIKE folds ASCII case, matching the NOCASE comparisons elsewhere.
                self.push(" LIKE ");
                self.bind(&Scalar::Text(pattern))?;
                self.push(" ESCAPE '\\')");
            }
        }
        Ok(())
    }

    fn compare(
        &mut self,
        left: &Operand,
        operator: Comparison,
        right: &Operand,
    ) -> Result<(), Error> {
        // IS and IS NOT treat NULL as a value, so `not (description eq 'x')` keeps the rows
        // whose description is null, as OData's two-valued logic says it should.
        let symbol = match operator {
            Comparison::Eq => " IS ",
            Comparison::Ne => " IS NOT ",
            Comparison::Gt => " > ",
            Comparison::Ge => " >= ",
            Comparison::Lt => " < ",
            Comparison::Le => " <= ",
        };
        self.push("(");
        if !matches!(operator, Comparison::Eq | Comparison::Ne) {
            self.not_null_guard(left);
            self.not_null_guard(right);
        }
        self.operand(left)?;
        self.push(collation(left, Some(right)));
        self.push(symbol);
        self.operand(right)?;
        self.push(")");
        Ok(())
    }

    /// Ordering comparisons with NULL are unknown; spelled out as false so `not` is exact.
    fn not_null_guard(&mut self, operand: &Operand) {
        if let Some(field) = underlying_field(operand) {
            if nullable(field) {
                self.push(&format!("{} IS NOT NULL AND ", column(field)));
            }
        }
    }

    fn operand(&mut self, operand: &Operand) -> Result<(), Error> {
        match operand {
            Operand::Field(field) => self.push(column(*field)),
            Operand::Lower(inner) | Operand::Upper(inner) => {
                self.push(if matches!(operand, Operand::Lower(_)) {
                    "lower("
                } else {
                    "upper("
                });
                self.operand(inner)?;
                self.push(")");
            }
            Operand::Value(value) => self.bind(value)?,
        }
        Ok(())
    }

    /// `ORDER BY` for the sort keys (which end with `id`) and, for a following page, the
    /// keyset condition that resumes after the previous page's last row.
    fn order(
        &mut self,
        keys: &[(Field, Direction)],
        after: Option<&[Scalar]>,
    ) -> Result<String, Error> {
        if let Some(after) = after {
            if after.len() != keys.len() {
                return Err(Error::InvalidQuery(
                    "The $skiptoken is not valid for this request.".to_owned(),
                ));
            }
            let direction = keys[0].1;
            if keys.iter().all(|(_, d)| *d == direction) {
                // One direction: a row-value comparison, which SQLite turns into an index
                // range, so page n costs no more than page 1.
                let columns: Vec<String> = keys
                    .iter()
                    .map(|(field, _)| sort_expression(*field))
                    .collect();
                let symbol = if direction == Direction::Ascending {
                    " > "
                } else {
                    " < "
                };
                self.push(&format!(" AND ({}){symbol}(", columns.join(", ")));
                for (i, (field, _)) in keys.iter().enumerate() {
                    if i > 0 {
                        self.push(", ");
                    }
                    self.bind(&sort_value(*field, &after[i]))?;
                }
                self.push(")");
            } else {
                // Mixed directions: (k1 > v1) OR (k1 = v1 AND k2 < v2) OR …
                self.push(" AND (");
                for i in 0..keys.len() {
                    if i > 0 {
                        self.push(" OR ");
                    }
                    self.push("(");
                    for (j, (field, _)) in keys.iter().enumerate().take(i) {
                        self.push(&format!("{} = ", sort_expression(*field)));
                        self.bind(&sort_value(*field, &after[j]))?;
                        self.push(" AND ");
                    }
                    let (field, direction) = keys[i];
                    let symbol = if direction == Direction::Ascending {
                        " > "
                    } else {
                        " < "
                    };
                    self.push(&format!("{}{symbol}", sort_expression(field)));
                    self.bind(&sort_value(field, &after[i]))?;
                    self.push(")");
                }
                self.push(")");
            }
        }
        Ok(keys
            .iter()
            .map(|(field, direction)| {
                let direction = if *direction == Direction::Ascending {
                    "ASC"
                } else {
                    "DESC"
                };
                format!("{} {direction}", sort_expression(*field))
            })
            .collect::<Vec<_>>()
            .join(", "))
    }
}

fn underlying_field(operand: &Operand) -> Option<Field> {
    match operand {
        Operand::Field(field) => Some(*field),
        Operand::Lower(inner) | Operand::Upper(inner) => underlying_field(inner),
        Operand::Value(_) => None,
    }
}

/// Text properties compare ignoring (ASCII) case, as Graph's directory does; `tolower` and
/// `toupper` ask for an exact comparison of the folded text.
fn collation(left: &Operand, right: Option<&Operand>) -> &'static str {
    let plain_text =
        |operand: &Operand| matches!(operand, Operand::Field(field) if field.kind() == Kind::Text);
    if plain_text(left) || right.is_some_and(plain_text) {
        " COLLATE NOCASE"
    } else {
        ""
    }
}

/// How a field sorts: text ignoring case, nulls as empty text so that keyset comparisons
/// never meet NULL.
fn sort_expression(field: Field) -> String {
    let column = column(field);
    match (nullable(field), field.kind() == Kind::Text) {
        (true, _) => format!("ifnull({column}, '') COLLATE NOCASE"),
        (false, true) => format!("{column} COLLATE NOCASE"),
        (false, false) => column.to_owned(),
    }
}

fn sort_value(field: Field, value: &Scalar) -> Scalar {
    match value {
        Scalar::Null if nullable(field) => Scalar::Text(String::new()),
        other => other.clone(),
    }
}

/// The listing statement, after `prefix` (empty, or `EXPLAIN QUERY PLAN `).
fn list_sql<T: Table>(prefix: &str, query: &ListQuery<'_>) -> Result<Sql, Error> {
    let mut sql = Sql::default();
    sql.push(&format!("{prefix}SELECT {} FROM {}", T::COLUMNS, T::NAME));
    sql.conditions(query.filter, query.scope)?;
    let order = sql.order(query.order, query.after)?;
    // Written into the text, not bound: SQLite's planner weighs "read an index in order and
    // stop after LIMIT rows" against "filter, then sort" only when it knows the limit. With
    // a bound LIMIT, contains() on 100k rows walked the whole table (0.5 s); numbers, so
    // nothing a client sends reaches the SQL text.
    // SQLite's integers are i64; a larger literal would be read as a float and refused.
    let clamp = |n: u64| n.min(i64::MAX as u64);
    sql.push(&format!(" ORDER BY {order} LIMIT {}", clamp(query.limit)));
    if query.skip > 0 {
        sql.push(&format!(" OFFSET {}", clamp(query.skip)));
    }
    Ok(sql)
}

impl Repository {
    /// One page of rows (at most `limit`), in order, after the token's position.
    pub async fn list<T: Table>(&self, query: &ListQuery<'_>) -> Result<Vec<T>, Error> {
        let Sql { text, arguments } = list_sql::<T>("", query)?;
        Ok(sqlx::query_as_with::<_, T, _>(&text, arguments)
            .fetch_all(&self.reader)
            .await?)
    }

    /// How many rows match, ignoring paging: `$count=true` and the `/$count` segment.
    pub async fn count<T: Table>(
        &self,
        filter: Option<&Filter>,
        scope: Option<(Field, &str)>,
    ) -> Result<i64, Error> {
        let mut sql = Sql::default();
        sql.push(&format!("SELECT count(*) FROM {}", T::NAME));
        sql.conditions(filter, scope)?;
        let Sql { text, arguments } = sql;
        Ok(sqlx::query_scalar_with::<_, i64, _>(&text, arguments)
            .fetch_one(&self.reader)
            .await?)
    }

    /// The query plan SQLite chooses for a listing, for tests that check index use.
    pub async fn explain_list<T: Table>(
        &self,
        query: &ListQuery<'_>,
    ) -> Result<Vec<String>, Error> {
        let Sql { text, arguments } = list_sql::<T>("EXPLAIN QUERY PLAN ", query)?;
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as_with(&text, arguments)
            .fetch_all(&self.reader)
            .await?;
        Ok(rows.into_iter().map(|(_, _, _, detail)| detail).collect())
    }

    /// Rows whose `field` is one of `values`, in creation order: what `$expand` embeds.
    pub async fn related<T: Table>(
        &self,
        field: Field,
        values: Vec<String>,
    ) -> Result<Vec<T>, Error> {
        if values.is_empty() {
            return Ok(Vec::new());
        }
        let filter = Filter::In(
            Operand::Field(field),
            values
                .into_iter()
                .map(|v| Operand::Value(Scalar::Text(v)))
                .collect(),
        );
        self.list(&ListQuery {
            filter: Some(&filter),
            scope: None,
            order: &[
                (Field::CreatedDateTime, Direction::Ascending),
                (Field::Id, Direction::Ascending),
            ],
            after: None,
            skip: 0,
            limit: i64::MAX as u64,
        })
        .await
    }
}
