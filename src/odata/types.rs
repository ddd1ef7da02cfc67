//! `$filter`'s type checking: what a property or literal compares like, and each literal
//! checked against what it is compared with and put in stored form (GUIDs canonical, enum
//! members as stored, instants in Graph's form).

use uuid::Uuid;

use super::ast::{Comparison, Filter, Operand};
use super::{Scalar, Scope};
use crate::model::{values, Edm};
use crate::Error;

/// The type of a value, for checking comparisons: a property's declared type, or a
/// literal's.
#[derive(Debug, Clone, Copy)]
pub(super) enum Type {
    Property(Edm),
    String,
    Bool,
    Null,
    Guid,
    Int,
    DateTime,
}

/// What a type compares like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Text,
    Guid,
    Bool,
    Int,
    DateTime,
    Enum(*const crate::model::EnumType),
    Complex,
    Null,
}

impl Type {
    pub(super) fn class(self) -> Class {
        match self {
            Self::Property(Edm::String | Edm::Duration) | Self::String => Class::Text,
            Self::Property(Edm::Guid) | Self::Guid => Class::Guid,
            Self::Property(Edm::Bool) | Self::Bool => Class::Bool,
            Self::Property(Edm::Int32) | Self::Int => Class::Int,
            Self::Property(Edm::DateTimeOffset) | Self::DateTime => Class::DateTime,
            Self::Property(Edm::Enum(enumeration)) => Class::Enum(enumeration),
            Self::Property(Edm::Complex(_) | Edm::Derived(_)) => Class::Complex,
            Self::Null => Class::Null,
        }
    }

    pub(super) fn edm(self, scope: Scope) -> &'static str {
        match self {
            Self::Property(edm) => edm.name(scope.version),
            Self::String => "Edm.String",
            Self::Guid => "Edm.Guid",
            Self::Bool => "Edm.Boolean",
            Self::DateTime => "Edm.DateTimeOffset",
            Self::Null => "null",
            Self::Int => "Edm.Int64",
        }
    }

    /// Text functions apply: strings, GUIDs and enums (compared by their text).
    pub(super) fn is_textual(self) -> bool {
        matches!(self.class(), Class::Text | Class::Guid | Class::Enum(_))
    }
}

pub(super) fn compare(
    scope: Scope,
    left: Operand,
    left_type: Type,
    operator: Comparison,
    right: Operand,
    right_type: Type,
) -> Result<Filter, Error> {
    // A literal on the left is moved to the right: `'x' eq displayName`.
    let (left, left_type, operator, right, right_type) =
        if matches!(left, Operand::Value(_)) && !matches!(right, Operand::Value(_)) {
            (right, right_type, operator.mirrored(), left, left_type)
        } else {
            (left, left_type, operator, right, right_type)
        };
    if left_type.class() == Class::Complex || right_type.class() == Class::Complex {
        return Err(incompatible(scope, left_type, right_type, operator));
    }
    let right = match right {
        Operand::Value(value) => {
            Operand::Value(coerce(scope, value, right_type, left_type, operator)?)
        }
        column => {
            if !compatible(left_type, right_type) {
                return Err(incompatible(scope, left_type, right_type, operator));
            }
            column
        }
    };
    if matches!(right, Operand::Value(Scalar::Null))
        && !matches!(operator, Comparison::Eq | Comparison::Ne)
    {
        return Err(incompatible(scope, left_type, Type::Null, operator));
    }
    Ok(Filter::Compare(left, operator, right))
}

fn compatible(a: Type, b: Type) -> bool {
    a.class() == b.class() || (a.is_textual() && b.is_textual())
}

pub(super) fn incompatible(scope: Scope, left: Type, right: Type, operator: Comparison) -> Error {
    Error::InvalidQuery(format!(
        "A binary operator with incompatible types was detected. Found operand types '{}' and '{}' for operator kind '{}'.",
        left.edm(scope),
        right.edm(scope),
        operator.odata_kind()
    ))
}

/// Checks a literal against what it is compared with and puts it in stored form.
pub(super) fn coerce(
    scope: Scope,
    value: Scalar,
    value_type: Type,
    against: Type,
    operator: Comparison,
) -> Result<Scalar, Error> {
    if value_type.class() == Class::Null {
        return Ok(Scalar::Null);
    }
    let mismatch = || incompatible(scope, against, value_type, operator);
    match (against.class(), value) {
        (Class::Guid, Scalar::Text(text)) => match Uuid::try_parse(text.trim()) {
            Ok(guid) => Ok(Scalar::Text(guid.hyphenated().to_string())),
            Err(_) => Err(Error::UnrecognizedGuid),
        },
        // Any version's spelling, in any case, as stored.
        (Class::Enum(_), Scalar::Text(text)) if value_type.class() == Class::Text => {
            let Type::Property(Edm::Enum(enumeration)) = against else {
                return Err(mismatch());
            };
            enumeration
                .find(&text)
                .map(|member| Scalar::Text(member.stored.to_owned()))
                .ok_or_else(|| {
                    Error::InvalidQuery(format!(
                        "'{text}' is not a member of {}.",
                        against.edm(scope)
                    ))
                })
        }
        (Class::Text, Scalar::Text(text)) if value_type.is_textual() => Ok(Scalar::Text(text)),
        (class, value) if class == value_type.class() => Ok(value),
        _ => Err(mismatch()),
    }
}

/// A DateTimeOffset literal in Graph's stored form (UTC, seven fractional digits).
pub(super) fn date_time(text: &str) -> Option<String> {
    values::normalize_instant(text).ok()
}
