//! The oracle's own model of a listing: the rows as the test inserted them, and `$filter`
//! and `$orderby` evaluated over them by the rules docs/src/query-options.md states. None
//! of the emulator's query code is used, so a bug there cannot hide in both sides.
//!
//! The rules, and where each comes from:
//! - Comparisons with a text property ignore ASCII case only (query-options.md: "Text comparisons
//!   ignore (ASCII) case"); `tolower`/`toupper` fold ASCII letters only, and compare
//!   exactly with what they are compared with.
//! - Null is a value for `eq`/`ne` (`null eq null`, `null ne 'x'`); ordering comparisons and
//!   text functions with null are false, so `not` of them is true (OData's two-valued logic,
//!   query-options.md: "`not` treats null as a value").
//! - Instants compare chronologically, whatever offset the literal is written with.
//! - `$orderby` sorts text ignoring ASCII case, nulls as the empty text (first ascending),
//!   and every order ends with `id` ascending unless `$orderby` names `id` (the
//!   `ListOptions::order` contract, documented in docs/src/query-options.md: keyset paging).

use std::cmp::Ordering;
use std::collections::HashMap;

use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// An enum member: its stored spelling first, then every other spelling a client may send.
pub type Member = &'static [&'static str];

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    Guid,
    Bool,
    Instant,
    Enum(&'static [Member]),
    /// A collection of strings: filtered only through `any` and `all`.
    Strings,
}

/// A property a set's listing can filter on, as one version names it.
#[derive(Debug, Clone)]
pub struct Prop {
    /// Where rows keep its value.
    pub key: &'static str,
    /// The name `$filter` and `$orderby` use (a `navigation/property` path for related ones).
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    /// Own properties order; related ones and enums do not (see the module's tests).
    pub orderable: bool,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub values: HashMap<&'static str, Value>,
}

impl Row {
    pub fn get(&self, key: &str) -> &Value {
        self.values.get(key).unwrap_or(&Value::Null)
    }

    /// A short name for failure messages: the id's first block and the display name.
    pub fn label(&self) -> String {
        format!(
            "{}:{}",
            &self.id[..8],
            self.get("displayName").as_str().unwrap_or("-")
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub const ALL: [Op; 6] = [Op::Eq, Op::Ne, Op::Gt, Op::Ge, Op::Lt, Op::Le];

    pub fn word(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::Lt => "lt",
            Op::Le => "le",
        }
    }

    fn holds(self, ordering: Ordering) -> bool {
        match self {
            Op::Eq => ordering == Ordering::Equal,
            Op::Ne => ordering != Ordering::Equal,
            Op::Gt => ordering == Ordering::Greater,
            Op::Ge => ordering != Ordering::Less,
            Op::Lt => ordering == Ordering::Less,
            Op::Le => ordering != Ordering::Greater,
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub enum TextFn {
    Contains,
    StartsWith,
    EndsWith,
}

/// A literal as the filter text writes it, and what it means.
#[derive(Debug, Clone)]
pub enum Lit {
    Null,
    Bool(bool),
    Text(String),
    /// The text written (quoted or bare, any case, braces) and the GUID it names.
    Guid(String, String),
    /// The text written (any offset) and the instant it names.
    Instant(String, OffsetDateTime),
    /// The spelling written and the member's stored spelling.
    Enum(String, &'static str),
}

#[derive(Debug, Clone)]
pub enum Term {
    Prop(Prop),
    Lower(Box<Term>),
    Upper(Box<Term>),
    Lit(Lit),
}

#[derive(Debug, Clone)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare(Term, Op, Term),
    In(Term, Vec<Lit>),
    Text(TextFn, Term, String),
    IsTrue(Prop),
    True,
    /// `prop/any(x:…)` (`all` when `every`) with one test of the element.
    Lambda {
        prop: Prop,
        every: bool,
        test: ElementTest,
    },
}

/// What a lambda's body asks of an element: `x eq 'v'`, `x ne 'v'`, `startswith(x,'v')`….
#[derive(Debug, Clone)]
pub enum ElementTest {
    Eq(String),
    Ne(String),
    Text(TextFn, String),
}

impl ElementTest {
    /// As the directory compares: ASCII case folded (NOCASE, LIKE).
    fn holds(&self, element: &str) -> bool {
        let element = fold(element);
        match self {
            Self::Eq(value) => element == fold(value),
            Self::Ne(value) => element != fold(value),
            Self::Text(which, needle) => {
                let needle = fold(needle);
                match which {
                    TextFn::Contains => element.contains(&needle),
                    TextFn::StartsWith => element.starts_with(&needle),
                    TextFn::EndsWith => element.ends_with(&needle),
                }
            }
        }
    }

    fn render(&self, variable: &str) -> String {
        match self {
            Self::Eq(value) => format!("{variable} eq {}", quoted(value)),
            Self::Ne(value) => format!("{variable} ne {}", quoted(value)),
            Self::Text(which, needle) => {
                format!("{}({variable},{})", text_function(*which), quoted(needle))
            }
        }
    }
}

/// What a term evaluates to.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Bool(bool),
    Text(String),
    Instant(OffsetDateTime),
}

pub fn instant(text: &str) -> OffsetDateTime {
    OffsetDateTime::parse(text, &Rfc3339).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn value_of(prop: &Prop, row: &Row) -> V {
    match (row.get(prop.key), prop.kind) {
        (Value::Null, _) => V::Null,
        (Value::Bool(flag), _) => V::Bool(*flag),
        (Value::String(text), Kind::Instant) => V::Instant(instant(text)),
        (Value::String(text), Kind::Guid) => V::Text(text.to_ascii_lowercase()),
        (Value::String(text), _) => V::Text(text.clone()),
        (other, _) => panic!("{} holds {other}", prop.key),
    }
}

fn literal(lit: &Lit) -> V {
    match lit {
        Lit::Null => V::Null,
        Lit::Bool(flag) => V::Bool(*flag),
        Lit::Text(text) => V::Text(text.clone()),
        Lit::Guid(_, guid) => V::Text(guid.clone()),
        Lit::Instant(_, at) => V::Instant(*at),
        Lit::Enum(_, stored) => V::Text((*stored).to_owned()),
    }
}

fn term(term: &Term, row: &Row) -> V {
    match term {
        Term::Prop(prop) => value_of(prop, row),
        Term::Lit(lit) => literal(lit),
        // ASCII letters only (docs/src/query-options.md: an emulator decision; OData folds every letter).
        Term::Lower(inner) => match self::term(inner, row) {
            V::Text(text) => V::Text(text.to_ascii_lowercase()),
            other => other,
        },
        Term::Upper(inner) => match self::term(inner, row) {
            V::Text(text) => V::Text(text.to_ascii_uppercase()),
            other => other,
        },
    }
}

fn plain_text(term: &Term) -> bool {
    matches!(term, Term::Prop(prop) if matches!(prop.kind, Kind::Text))
}

fn fold(text: &str) -> String {
    text.to_ascii_lowercase()
}

/// `None` when either side is null.
fn compare_values(left: &V, right: &V, ignore_case: bool) -> Option<Ordering> {
    match (left, right) {
        (V::Null, _) | (_, V::Null) => None,
        (V::Text(a), V::Text(b)) if ignore_case => Some(fold(a).cmp(&fold(b))),
        (V::Text(a), V::Text(b)) => Some(a.cmp(b)),
        (V::Bool(a), V::Bool(b)) => Some(a.cmp(b)),
        (V::Instant(a), V::Instant(b)) => Some(a.cmp(b)),
        (a, b) => panic!("the generator compared {a:?} with {b:?}"),
    }
}

pub fn matches(filter: &Filter, row: &Row) -> bool {
    match filter {
        Filter::And(a, b) => matches(a, row) && matches(b, row),
        Filter::Or(a, b) => matches(a, row) || matches(b, row),
        Filter::Not(inner) => !matches(inner, row),
        Filter::True => true,
        Filter::IsTrue(prop) => value_of(prop, row) == V::Bool(true),
        Filter::Compare(left, op, right) => {
            let ignore_case = plain_text(left) || plain_text(right);
            let (a, b) = (term(left, row), term(right, row));
            match (&a, &b, op) {
                (V::Null, V::Null, Op::Eq) => true,
                (V::Null, V::Null, Op::Ne) => false,
                (V::Null, _, Op::Ne) | (_, V::Null, Op::Ne) => true,
                _ => compare_values(&a, &b, ignore_case).is_some_and(|o| op.holds(o)),
            }
        }
        Filter::In(left, list) => {
            let ignore_case = plain_text(left);
            let a = term(left, row);
            list.iter().any(|item| {
                compare_values(&a, &literal(item), ignore_case) == Some(Ordering::Equal)
            })
        }
        Filter::Lambda { prop, every, test } => {
            let elements = row.get(prop.key).as_array().cloned().unwrap_or_default();
            let mut tested = elements
                .iter()
                .map(|element| test.holds(element.as_str().expect("strings")));
            if *every {
                tested.all(|held| held)
            } else {
                tested.any(|held| held)
            }
        }
        Filter::Text(which, haystack, needle) => match term(haystack, row) {
            V::Text(text) => {
                let (text, needle) = (fold(&text), fold(needle));
                match which {
                    TextFn::Contains => text.contains(&needle),
                    TextFn::StartsWith => text.starts_with(&needle),
                    TextFn::EndsWith => text.ends_with(&needle),
                }
            }
            _ => false,
        },
    }
}

/// A sort key's value: nulls sort as the empty text.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Key {
    Bool(bool),
    Text(String),
    Instant(OffsetDateTime),
}

fn sort_key(prop: &Prop, row: &Row) -> Key {
    match value_of(prop, row) {
        V::Null => Key::Text(String::new()),
        V::Bool(flag) => Key::Bool(flag),
        V::Text(text) if matches!(prop.kind, Kind::Text) => Key::Text(fold(&text)),
        V::Text(text) => Key::Text(text),
        V::Instant(at) => Key::Instant(at),
    }
}

fn compare_keys(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        // Empty text (null) before any instant, as '' sorts before any date text.
        (Key::Text(t), Key::Instant(_)) if t.is_empty() => Ordering::Less,
        (Key::Instant(_), Key::Text(t)) if t.is_empty() => Ordering::Greater,
        _ => a.cmp(b),
    }
}

/// `$orderby` as the oracle resolves it: the requested keys, then `id`.
#[derive(Debug, Clone)]
pub struct Order {
    pub keys: Vec<(Prop, bool)>,
}

impl Order {
    /// The full key: `id` last, ascending unless the request ordered by it.
    pub fn with_id(&self, id: &Prop) -> Vec<(Prop, bool)> {
        let id_descending = self
            .keys
            .iter()
            .find(|(prop, _)| prop.key == "id")
            .is_some_and(|(_, descending)| *descending);
        self.keys
            .iter()
            .filter(|(prop, _)| prop.key != "id")
            .cloned()
            .chain(std::iter::once((id.clone(), id_descending)))
            .collect()
    }
}

pub fn compare_rows(keys: &[(Prop, bool)], a: &Row, b: &Row) -> Ordering {
    for (prop, descending) in keys {
        let ordering = compare_keys(&sort_key(prop, a), &sort_key(prop, b));
        let ordering = if *descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// The rows a listing returns, in order, before `$skip` and `$top`.
pub fn evaluate<'r>(
    rows: impl IntoIterator<Item = &'r Row>,
    filter: Option<&Filter>,
    keys: &[(Prop, bool)],
) -> Vec<&'r Row> {
    let mut found: Vec<&Row> = rows
        .into_iter()
        .filter(|row| filter.is_none_or(|filter| matches(filter, row)))
        .collect();
    found.sort_by(|a, b| compare_rows(keys, a, b));
    found
}

// ---------------------------------------------------------------------------------------
// As text

fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn text_function(which: TextFn) -> &'static str {
    match which {
        TextFn::Contains => "contains",
        TextFn::StartsWith => "startswith",
        TextFn::EndsWith => "endswith",
    }
}

fn render_lit(lit: &Lit) -> String {
    match lit {
        Lit::Null => "null".to_owned(),
        Lit::Bool(flag) => flag.to_string(),
        Lit::Text(text) => quoted(text),
        Lit::Guid(written, _) | Lit::Instant(written, _) => written.clone(),
        Lit::Enum(written, _) => quoted(written),
    }
}

fn render_term(term: &Term) -> String {
    match term {
        Term::Prop(prop) => prop.name.to_owned(),
        Term::Lit(lit) => render_lit(lit),
        Term::Lower(inner) => format!("tolower({})", render_term(inner)),
        Term::Upper(inner) => format!("toupper({})", render_term(inner)),
    }
}

/// With only the parentheses precedence needs (`or` < `and` < `not`), so the parser's
/// precedence is tested too.
pub fn render(filter: &Filter) -> String {
    render_in(filter, 0)
}

fn render_in(filter: &Filter, context: u8) -> String {
    let (text, level) = match filter {
        Filter::Or(a, b) => (format!("{} or {}", render_in(a, 1), render_in(b, 1)), 1),
        Filter::And(a, b) => (format!("{} and {}", render_in(a, 2), render_in(b, 2)), 2),
        Filter::Not(inner) => (format!("not {}", render_in(inner, 3)), 3),
        Filter::True => ("true".to_owned(), 4),
        Filter::IsTrue(prop) => (prop.name.to_owned(), 4),
        Filter::Compare(left, op, right) => (
            format!("{} {} {}", render_term(left), op.word(), render_term(right)),
            3,
        ),
        Filter::In(left, list) => {
            let items: Vec<String> = list.iter().map(render_lit).collect();
            (
                format!("{} in ({})", render_term(left), items.join(", ")),
                3,
            )
        }
        Filter::Text(which, haystack, needle) => (
            format!(
                "{}({},{})",
                text_function(*which),
                render_term(haystack),
                quoted(needle)
            ),
            4,
        ),
        // Either spelling of the variable's declaration: `x:x` and `x: x`.
        Filter::Lambda { prop, every, test } => {
            let operator = if *every { "all" } else { "any" };
            let space = if test.render("x").len() % 2 == 0 {
                ""
            } else {
                " "
            };
            (
                format!("{}/{operator}(x:{space}{})", prop.name, test.render("x")),
                4,
            )
        }
    };
    if level < context || (level == 3 && context == 3) {
        format!("({text})")
    } else {
        text
    }
}
