//! `$filter` as SQL: the conditions a parsed filter becomes, over one entity's table and
//! the entities its single-valued navigations lead to.

use super::{bind, is_text, nullable, Dialect, Statement};
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
                self.sql.push(self.dialect.is(false));
                self.sql.push("1)");
            }
            Filter::Compare(left, operator, right) => self.compare(left, *operator, right),
            Filter::In(left, list) => {
                if self.related_lookup(left, list) {
                    return;
                }
                self.sql.push("(");
                self.not_null_guard(left);
                let fold = folds(left, list.first());
                self.folded(left, fold, true);
                self.sql.push(" IN (");
                for (i, item) in list.iter().enumerate() {
                    if i > 0 {
                        self.sql.push(", ");
                    }
                    self.folded(item, fold, false);
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
                    let count = self.dialect.element_count(&source);
                    self.sql.push(format!("({count} > 0)"));
                    return;
                };
                // all: no element fails the body; any: some element passes it.
                let (outer, inner) = if *every { ("NOT ", "NOT ") } else { ("", "") };
                let elements = self.dialect.elements(&source);
                self.sql.push(format!(
                    "({outer}EXISTS (SELECT 1 FROM {elements} WHERE {inner}("
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
                self.sql.push(self.dialect.rare());
                self.not_null_guard(haystack);
                // SQLite's LIKE folds ASCII case, matching the NOCASE comparisons elsewhere;
                // PostgreSQL's is told to.
                let fold = self.dialect == Dialect::Postgres;
                self.folded(haystack, fold, true);
                self.sql.push(" LIKE ");
                let (before, after) = if fold {
                    self.dialect.fold_around(false)
                } else {
                    ("", "")
                };
                self.sql.push(before).push_bind(pattern).push(after);
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
            Comparison::Eq => self.dialect.is(false),
            Comparison::Ne => self.dialect.is(true),
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
        let fold = folds(left, Some(right));
        self.folded(left, fold, true);
        self.sql.push(symbol);
        self.folded(right, fold, false);
        self.sql.push(")");
    }

    /// The operand, with ASCII letters folded when `fold`; `left` of its comparison or not.
    fn folded(&mut self, operand: &Operand, fold: bool, left: bool) {
        let (before, after) = if fold {
            self.dialect.fold_around(left)
        } else {
            ("", "")
        };
        self.sql.push(before);
        self.operand(operand);
        self.sql.push(after);
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
                let (before, after) = self
                    .dialect
                    .case_around(matches!(operand, Operand::Lower(_)));
                self.sql.push(before);
                self.operand(inner);
                self.sql.push(after);
            }
            Operand::Value(value) => bind(&mut self.sql, value),
            Operand::Element(None) => {
                self.sql.push(self.dialect.element());
            }
            Operand::Element(Some(member)) => {
                let (before, bound, after) = self.dialect.element_member(member);
                self.sql.push(before).push_bind(bound).push(after);
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
        let fold = folds(operand, values.first());
        let (before, after) = if fold {
            self.dialect.fold_around(true)
        } else {
            ("", "")
        };
        self.sql.push(format!(
            "({table}.{fk} IS NOT NULL AND {table}.{fk} IN (SELECT related.id FROM {target} AS related WHERE {before}related.{}{after} IN (",
            column.property.column,
        ));
        for (i, value) in values.iter().enumerate() {
            if i > 0 {
                self.sql.push(", ");
            }
            self.folded(value, fold, false);
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
fn folds(left: &Operand, right: Option<&Operand>) -> bool {
    let plain_text = |operand: &Operand| match operand {
        Operand::Column(column) => is_text(*column),
        Operand::Element(_) => true,
        _ => false,
    };
    plain_text(left) || right.is_some_and(plain_text)
}
