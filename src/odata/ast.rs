//! `$filter`'s syntax tree: what the parser (`filter`) makes, the type checks (`types`)
//! look at, and the repository turns into SQL. A leaf of the module: it names no parser.

use super::{Column, Scalar};

/// Bounds that keep hostile filters from exhausting the stack or the CPU.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_nodes: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare(Operand, Comparison, Operand),
    In(Operand, Vec<Operand>),
    /// `contains`/`startswith`/`endswith` with a literal needle.
    Text(TextMatch, Operand, String),
    /// A Boolean property or literal standing alone.
    IsTrue(Operand),
    /// `collection/any(x: body)` (`all` when `every`) over a collection-valued property;
    /// `collection/any()` without a body: the collection is not empty.
    Lambda {
        every: bool,
        collection: Column,
        body: Option<Box<Filter>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Column(Column),
    Lower(Box<Operand>),
    Upper(Box<Operand>),
    Value(Scalar),
    /// The lambda's variable: the element itself, or a member of it (`i/issuer`).
    Element(Option<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Comparison {
    /// The same comparison with its operands swapped: `'x' lt a` is `a gt 'x'`.
    pub(super) fn mirrored(self) -> Self {
        match self {
            Self::Gt => Self::Lt,
            Self::Ge => Self::Le,
            Self::Lt => Self::Gt,
            Self::Le => Self::Ge,
            other => other,
        }
    }

    pub(super) fn odata_kind(self) -> &'static str {
        match self {
            Self::Eq => "Equal",
            Self::Ne => "NotEqual",
            Self::Gt => "GreaterThan",
            Self::Ge => "GreaterThanOrEqual",
            Self::Lt => "LessThan",
            Self::Le => "LessThanOrEqual",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextMatch {
    Contains,
    StartsWith,
    EndsWith,
}
