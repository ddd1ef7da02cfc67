//! `$filter` as SQL: the conditions a parsed filter becomes, over one entity's table and
//! the entities its single-valued navigations lead to.

use super::{bind, is_text, nullable, Statement};
use crate::model::Link;
use crate::odata::{Column, Comparison, Filter, Operand, Scalar, TextMatch};

impl Statement<'_> {
    pub(super) fn filter(&mut self, filter: &Filter) {
        match filter {
            Filter::And(left, right) | Filter::Or(left, right) => {
                self.sql.push("(");
                self.filter(left);
                self.sql.push(if matches!(filter, Filter::And(..)) {
                    " AND "
                } else {
                    " OR "
                });
                self.filter(right);
                self.sql.push(")");
            }
            Filter::Not(inner) => {
                self.sql.push("NOT (");
                self.filter(inner);
                self.sql.push(")");
            }
            Filter::IsTrue(operand) => {
                self.sql.push("(");
                self.operand(operand);
                self.sql.push(" IS 1)");
            }
            Filter::Compare(left, operator, right) => self.compare(left, *operator, right),
            Filter::In(left, list) => {
                if self.related_lookup(left, list) {
                    return;
                }
                self.sql.push("(");
                self.not_null_guard(left);
                self.operand(left);
                self.sql.push(collation(left, list.first()));
                self.sql.push(" IN (");
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        self.sql.push(", ");
                    }
                    self.operand(item);
                }
                self.sql.push("))");
            }
            Filter::Lambda {
                every,
                collection,
                body,
            } => {
                let source = self.expression(*collection);
                let Some(body) = body else {
                    self.sql.push(format!("(json_array_length({source}) > 0)"));
                    return;
                };
                // all: no element fails the body; any: some element passes it.
                let (outer, inner) = if *every { ("NOT ", "NOT ") } else { ("", "") };
                self.sql.push(format!(
                    "({outer}EXISTS (SELECT 1 FROM json_each({source}) WHERE {inner}("
                ));
                self.filter(body);
                self.sql.push(")))");
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
                self.sql.push("unlikely(");
                self.not_null_guard(haystack);
                self.operand(haystack);
                // LIKE folds ASCII case, matching the NOCASE comparisons elsewhere.
                self.sql.push(" LIKE ");
                self.sql.push_bind(pattern);
                self.sql.push(" ESCAPE '\\')");
            }
        }
    }

    fn compare(&mut self, left: &Operand, operator: Comparison, right: &Operand) {
        if operator == Comparison::Eq
            && (self.related_lookup(left, std::slice::from_ref(right))
                || self.related_lookup(right, std::slice::from_ref(left)))
        {
            return;
        }
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
        self.sql.push("(");
        if !matches!(operator, Comparison::Eq | Comparison::Ne) {
            self.not_null_guard(left);
            self.not_null_guard(right);
        }
        self.operand(left);
        self.sql.push(collation(left, Some(right)));
        self.sql.push(symbol);
        self.operand(right);
        self.sql.push(")");
    }

    /// Ordering comparisons with NULL are unknown; spelled out as false so `not` is exact.
    fn not_null_guard(&mut self, operand: &Operand) {
        // A member an element lacks is null too: `all(i:startswith(i/issuer,'a'))` must
        // not pass an identity without an issuer.
        if let Operand::Element(Some(_)) = operand {
            self.operand(operand);
            self.sql.push(" IS NOT NULL AND ");
            return;
        }
        if let Some(column) = underlying(operand) {
            if nullable(column) {
                let expression = self.expression(column);
                self.sql.push(format!("{expression} IS NOT NULL AND "));
            }
        }
    }

    fn operand(&mut self, operand: &Operand) {
        match operand {
            Operand::Column(column) => {
                let expression = self.expression(*column);
                self.sql.push(expression);
            }
            Operand::Lower(inner) | Operand::Upper(inner) => {
                self.sql.push(if matches!(operand, Operand::Lower(_)) {
                    "lower("
                } else {
                    "upper("
                });
                self.operand(inner);
                self.sql.push(")");
            }
            Operand::Value(value) => bind(&mut self.sql, value),
            Operand::Element(None) => {
                self.sql.push("json_each.value");
            }
            // Only an object has members: a stray string in the list is no match, not
            // SQLite's malformed-JSON failure.
            Operand::Element(Some(member)) => {
                self.sql.push(
                    "(CASE WHEN json_each.type = 'object' THEN json_extract(json_each.value, ",
                );
                self.sql.push_bind(format!("$.{member}"));
                self.sql.push(") END)");
            }
        }
    }

    /// `target/objectId eq 'x'` (or `in (…)`) as "the key is among the related rows that
    /// match": the related table's index finds them and this table's index on the key
    /// finds the rows, where the correlated subquery of `expression` would read every row
    /// (230 ms on 40k assignments). The same answers, true or false, never unknown: no
    /// value is null, so a missing related row matches neither form, and a null key is
    /// false rather than SQL's unknown (`not (requestor/objectId eq 'x')` keeps the
    /// requests an application made, which have no requestor). Answers whether it wrote
    /// the condition.
    fn related_lookup(&mut self, operand: &Operand, values: &[Operand]) -> bool {
        let Operand::Column(column) = operand else {
            return false;
        };
        let Some(Link::ToOne { fk }) = column.via.map(|navigation| navigation.link) else {
            return false;
        };
        let concrete = |value: &Operand| matches!(value, Operand::Value(v) if *v != Scalar::Null);
        if values.is_empty() || !values.iter().all(concrete) {
            return false;
        }
        let (table, target) = (
            self.entity.table,
            column.via.map_or("", |n| n.target().table),
        );
        self.sql.push(format!(
            "({table}.{fk} IS NOT NULL AND {table}.{fk} IN (SELECT related.id FROM {target} AS related WHERE related.{}{} IN (",
            column.property.column,
            collation(operand, values.first()),
        ));
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push(", ");
            }
            self.operand(value);
        }
        self.sql.push(")))");
        true
    }

    /// A column of this table, or of the entity a single-valued navigation leads to (a
    /// correlated subquery on its id).
    pub(super) fn expression(&self, column: Column) -> String {
        let table = self.entity.table;
        match column.via {
            None => format!("{table}.{}", column.property.column),
            Some(navigation) => {
                let fk = match navigation.link {
                    Link::ToOne { fk } => fk,
                    Link::ToMany { .. } | Link::Linked { .. } => "id",
                };
                let target = navigation.target().table;
                format!(
                    "(SELECT related.{} FROM {target} AS related WHERE related.id = {table}.{fk})",
                    column.property.column
                )
            }
        }
    }
}

fn underlying(operand: &Operand) -> Option<Column> {
    match operand {
        Operand::Column(column) => Some(*column),
        Operand::Lower(inner) | Operand::Upper(inner) => underlying(inner),
        Operand::Value(_) | Operand::Element(_) => None,
    }
}

/// Text properties compare ignoring (ASCII) case, as Graph's directory does; `tolower` and
/// `toupper` ask for an exact comparison of the folded text.
fn collation(left: &Operand, right: Option<&Operand>) -> &'static str {
    let plain_text = |operand: &Operand| match operand {
        Operand::Column(column) => is_text(*column),
        Operand::Element(_) => true,
        _ => false,
    };
    if plain_text(left) || right.is_some_and(plain_text) {
        " COLLATE NOCASE"
    } else {
        ""
    }
}
