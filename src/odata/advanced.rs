//! The directory's advanced queries: what Graph serves on users, groups, service
//! principals and applications only with `ConsistencyLevel: eventual`, and refuses or
//! ignores without it (learn.microsoft.com/graph/aad-advanced-queries):
//! - the `/$count` segment: 400 `$count is not currently supported.`;
//! - `$count=true`: silently no `@odata.count`;
//! - `$search`: 400 `Request_UnsupportedQuery`;
//! - `ne`, `not` and `endsWith` in `$filter`, and `$filter` with `$orderby`, need the
//!   header and `$count=true` both: 400 `Request_UnsupportedQuery` naming what is missing.
//!
//! Entitlement Management's sets count without the header and know no `$search`.
//!
//! `$search` is `"property:term"` clauses joined by `AND` and `OR`; a clause matches when
//! a word of the property starts with the term, ignoring case. Graph tokenizes more finely
//! (camel case, punctuation); words split at spaces are the emulator's approximation.

use super::ast::{Comparison, Filter, TextMatch};
use super::{Operand, Scope};
use crate::model::{Edm, Errors};
use crate::Error;

fn directory(scope: Scope) -> bool {
    scope.entity.errors == Errors::Directory
}

/// Whether a listing writes `@odata.count`.
pub(super) fn counted(asked: bool, scope: Scope, eventual: bool) -> bool {
    asked && (eventual || !directory(scope))
}

/// The `/$count` segment of a directory set needs the header.
pub(super) fn count_segment(scope: Scope, eventual: bool) -> Result<(), Error> {
    if directory(scope) && !eventual {
        return Err(Error::rule(
            400,
            "Request_BadRequest",
            "$count is not currently supported.",
        ));
    }
    Ok(())
}

/// A directory listing whose `$filter` or `$orderby` is an advanced query must carry both
/// advanced query parameters.
pub(super) fn advanced_filter(
    filter: Option<&Filter>,
    ordered: bool,
    scope: Scope,
    eventual: bool,
    counted: bool,
) -> Result<(), Error> {
    if !directory(scope) || (eventual && counted) {
        return Ok(());
    }
    let advanced = match filter {
        Some(_) if ordered => Some("$filter with $orderby".to_owned()),
        Some(filter) => only_advanced(filter).map(|operator| format!("Operator '{operator}'")),
        None => None,
    };
    match advanced {
        None => Ok(()),
        Some(what) => Err(Error::rule(
            400,
            "Request_UnsupportedQuery",
            format!("{what} is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information"),
        )),
    }
}

/// The first operator in `filter` that the directory serves only in advanced queries.
fn only_advanced(filter: &Filter) -> Option<&'static str> {
    match filter {
        Filter::Not(_) => Some("not"),
        Filter::Compare(_, Comparison::Ne, _) => Some("ne"),
        Filter::Text(TextMatch::EndsWith, ..) => Some("endsWith"),
        Filter::And(left, right) | Filter::Or(left, right) => {
            only_advanced(left).or_else(|| only_advanced(right))
        }
        Filter::Lambda {
            body: Some(body), ..
        } => only_advanced(body),
        _ => None,
    }
}

/// `$filter` and `$search` together, when `$search` is given and may be.
pub(super) fn with_search(
    filter: Option<Filter>,
    search: Option<&str>,
    scope: Scope,
    eventual: bool,
) -> Result<Option<Filter>, Error> {
    let Some(search) = search else {
        return Ok(filter);
    };
    if !directory(scope) {
        return Err(Error::InvalidQuery(
            "The query parameter '$search' is not supported.".to_owned(),
        ));
    }
    if !eventual {
        return Err(Error::rule(
            400,
            "Request_UnsupportedQuery",
            "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
        ));
    }
    let searched = parse(search, scope)?;
    Ok(Some(match filter {
        Some(filter) => Filter::And(Box::new(filter), Box::new(searched)),
        None => searched,
    }))
}

fn syntax(search: &str) -> Error {
    Error::rule(
        400,
        "Request_BadRequest",
        format!("Invalid $search '{search}': use \"property:term\" clauses, joined by AND or OR."),
    )
}

/// `"a:x" OR "b:y" AND "c:z"`: OR of ANDs.
fn parse(search: &str, scope: Scope) -> Result<Filter, Error> {
    let mut any: Vec<Filter> = Vec::new();
    let mut all: Vec<Filter> = Vec::new();
    let mut rest = search.trim();
    let mut expect_clause = true;
    while !rest.is_empty() {
        if expect_clause {
            let inner = rest.strip_prefix('"').ok_or_else(|| syntax(search))?;
            let (clause, after) = inner.split_once('"').ok_or_else(|| syntax(search))?;
            all.push(clause_filter(clause, scope, search)?);
            rest = after.trim_start();
        } else {
            let (word, after) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            if word.eq_ignore_ascii_case("or") {
                any.push(join(std::mem::take(&mut all), Filter::And));
            } else if !word.eq_ignore_ascii_case("and") {
                return Err(syntax(search));
            }
            rest = after.trim_start();
        }
        expect_clause = !expect_clause;
    }
    if expect_clause || all.is_empty() {
        return Err(syntax(search));
    }
    any.push(join(all, Filter::And));
    Ok(join(any, Filter::Or))
}

fn join(mut parts: Vec<Filter>, with: fn(Box<Filter>, Box<Filter>) -> Filter) -> Filter {
    let first = parts.remove(0);
    parts
        .into_iter()
        .fold(first, |left, right| with(Box::new(left), Box::new(right)))
}

/// `property:term`: a word of the property starts with the term.
fn clause_filter(clause: &str, scope: Scope, search: &str) -> Result<Filter, Error> {
    let (name, term) = clause.split_once(':').ok_or_else(|| syntax(search))?;
    let column = scope.filter_path(name.trim())?;
    if !matches!(column.property.edm, Edm::String) {
        return Err(Error::rule(
            400,
            "Request_UnsupportedQuery",
            format!(
                "$search on '{}' is not supported: it is no string property.",
                name.trim()
            ),
        ));
    }
    let term = term.trim().to_owned();
    Ok(Filter::Or(
        Box::new(Filter::Text(
            TextMatch::StartsWith,
            Operand::Column(column),
            term.clone(),
        )),
        Box::new(Filter::Text(
            TextMatch::Contains,
            Operand::Column(column),
            format!(" {term}"),
        )),
    ))
}
