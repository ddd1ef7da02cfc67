//! OData's lambda operators in `$filter`: `servicePrincipalNames/any(c:c eq '…')`,
//! `identities/any(i:i/issuerAssignedId eq '…')`, `groupTypes/all(t:t ne 'Unified')`, over
//! a collection-valued property of the entity. The body is any condition on the variable
//! (the element, or a member of an element that is an object), typed as a string.

use super::ast::{Filter, Operand};
use super::lexer::{Token, TokenKind};
use super::types::Type;
use super::Column;
use crate::model::directory::STRINGS;
use crate::model::principal_names::{IDENTITIES, IDENTITY_MEMBERS};
use crate::model::Edm;
use crate::Error;

/// `path/any` or `path/all` → the path and whether it is `all`.
pub(super) fn operator(word: &str) -> Option<(&str, bool)> {
    let (path, operator) = word.rsplit_once('/')?;
    match operator.to_ascii_lowercase().as_str() {
        "any" => Some((path, false)),
        "all" => Some((path, true)),
        _ => None,
    }
}

/// The variable being declared, from the tokens after `(`: `c:c …`, `c: c …` or
/// `c :c …` all declare `c`. What follows the colon in the same token is put back as
/// the next token.
pub(super) fn variable(tokens: &mut [Token], position: &mut usize) -> Option<String> {
    let first = tokens.get(*position)?;
    let TokenKind::Bare(text) = &first.kind else {
        return None;
    };
    let (name, rest) = match text.split_once(':') {
        Some((name, rest)) => (name.to_owned(), rest.to_owned()),
        None => {
            // The colon begins the next token.
            let name = text.clone();
            *position += 1;
            let next = tokens.get(*position)?;
            let TokenKind::Bare(after) = &next.kind else {
                return None;
            };
            (name, after.strip_prefix(':')?.to_owned())
        }
    };
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let token = &mut tokens[*position];
    if rest.is_empty() {
        *position += 1;
    } else {
        token.start += token_offset(&token.kind, &rest);
        token.kind = TokenKind::Bare(rest);
    }
    Some(name)
}

/// How far into a token its remainder `rest` starts.
fn token_offset(kind: &TokenKind, rest: &str) -> usize {
    match kind {
        TokenKind::Bare(text) => text.len().saturating_sub(rest.len()),
        _ => 0,
    }
}

/// What a collection's elements are, for the collections a lambda may range over: the
/// directory's lists of strings, and objects with declared members (a user's
/// `identities`). Others (credentials, whose stored digests must not be probed; open
/// attribute lists) are refused.
fn elements(column: Column) -> Option<Option<&'static [&'static str]>> {
    let Edm::Complex(complex) = column.property.edm else {
        return None;
    };
    if column.via.is_some() {
        return None;
    }
    if std::ptr::eq(complex, &STRINGS) {
        return Some(None);
    }
    if std::ptr::eq(complex, &IDENTITIES) {
        return Some(Some(&IDENTITY_MEMBERS));
    }
    None
}

/// The collection a lambda ranges over.
pub(super) fn collection(column: Column, path: &str) -> Result<Column, Error> {
    match elements(column) {
        Some(_) => Ok(column),
        None => Err(Error::InvalidQuery(format!(
            "'{path}' is not a collection of this entity that any or all can range over."
        ))),
    }
}

/// The variable a lambda declares, and what its elements are: strings (which the body
/// names whole) or objects of these members (which it names as `i/issuer`).
#[derive(Debug, Clone)]
pub(super) struct Variable {
    pub name: String,
    pub members: Option<&'static [&'static str]>,
}

impl Variable {
    pub fn over(name: String, collection: Column) -> Self {
        Self {
            name,
            members: elements(collection).flatten(),
        }
    }

    /// A name inside the body: the element, or `variable/member` of an object element.
    pub fn element(&self, word: &str) -> Option<Result<(Operand, Type), Error>> {
        if word == self.name {
            return Some(match self.members {
                None => Ok((Operand::Element(None), Type::String)),
                Some(_) => Err(Error::InvalidQuery(format!(
                    "'{word}' is an object: name one of its properties ({word}/…)."
                ))),
            });
        }
        let member = word.strip_prefix(&self.name)?.strip_prefix('/')?;
        let Some(members) = self.members else {
            return Some(Err(Error::InvalidQuery(format!(
                "'{}' is a string: it has no property '{member}'.",
                self.name
            ))));
        };
        // Graph's names ignore case; the stored member is the declared spelling.
        Some(
            members
                .iter()
                .find(|declared| declared.eq_ignore_ascii_case(member))
                .map(|declared| (Operand::Element(Some((*declared).to_owned())), Type::String))
                .ok_or_else(|| {
                    Error::InvalidQuery(format!(
                        "'{member}' is not a property of '{}': {}.",
                        self.name,
                        members.join(", ")
                    ))
                }),
        )
    }
}

pub(super) fn lambda(every: bool, collection: Column, body: Option<Filter>) -> Filter {
    Filter::Lambda {
        every,
        collection,
        body: body.map(Box::new),
    }
}
