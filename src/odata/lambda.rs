//! OData's lambda operators in `$filter`: `servicePrincipalNames/any(c:c eq '…')`,
//! `identities/any(i:i/issuerAssignedId eq '…')`, `groupTypes/all(t:t ne 'Unified')`, over
//! a collection-valued property of the entity. The body is any condition on the variable
//! (the element, or a member of an element that is an object), typed as a string.

use super::ast::{Filter, Operand};
use super::lexer::{Token, TokenKind};
use super::types::Type;
use super::Column;
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

/// The collection a lambda ranges over: a property holding a JSON array.
pub(super) fn collection(column: Column, path: &str) -> Result<Column, Error> {
    match column.property.edm {
        Edm::Complex(complex)
            if complex.name.starts_with("Collection(") && column.via.is_none() =>
        {
            Ok(column)
        }
        _ => Err(Error::InvalidQuery(format!(
            "'{path}' is not a collection of this entity that any or all can range over."
        ))),
    }
}

/// The variable a lambda declares, and whether its elements are objects (whose members
/// the body names, `i/issuer`) or strings (which it names whole).
#[derive(Debug, Clone)]
pub(super) struct Variable {
    pub name: String,
    pub objects: bool,
}

impl Variable {
    pub fn over(name: String, collection: Column) -> Self {
        let objects = match collection.property.edm {
            Edm::Complex(complex) => complex.name != "Collection(Edm.String)",
            _ => false,
        };
        Self { name, objects }
    }

    /// A name inside the body: the element, or `variable/member` of an object element.
    pub fn element(&self, word: &str) -> Option<Result<(Operand, Type), Error>> {
        if word == self.name {
            return Some(match self.objects {
                false => Ok((Operand::Element(None), Type::String)),
                true => Err(Error::InvalidQuery(format!(
                    "'{word}' is an object: name one of its properties ({word}/…)."
                ))),
            });
        }
        let member = word.strip_prefix(&self.name)?.strip_prefix('/')?;
        let simple = !member.is_empty() && member.chars().all(|c| c.is_ascii_alphanumeric());
        Some(match (self.objects, simple) {
            (true, true) => Ok((Operand::Element(Some(member.to_owned())), Type::String)),
            (false, _) => Err(Error::InvalidQuery(format!(
                "'{}' is a string: it has no property '{member}'.",
                self.name
            ))),
            (true, false) => Err(Error::InvalidQuery(format!(
                "'{member}' is not a property of '{}'.",
                self.name
            ))),
        })
    }
}

pub(super) fn lambda(every: bool, collection: Column, body: Option<Filter>) -> Filter {
    Filter::Lambda {
        every,
        collection,
        body: body.map(Box::new),
    }
}
