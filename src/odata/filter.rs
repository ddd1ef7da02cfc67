//! `$filter`: text → tokens → a typed syntax tree whose leaves are declared properties
//! (of the entity, or of one it references) and normalised values. Nothing here knows SQL;
//! the repository translates the tree and binds every value.
//!
//! Grammar (OData's precedence: `not` over comparisons over `and` over `or`):
//! ```text
//! or      := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | compare
//! compare := primary (op primary | "in" "(" primary ("," primary)* ")")?
//! primary := "(" or ")" | path "/" ("any"|"all") "(" (var ":" or)? ")"
//!          | name "(" args ")" | literal | property path
//! ```

use uuid::Uuid;

use super::ast::{Comparison, Filter, Limits, Operand, TextMatch};
use super::lambda;
use super::lexer::{lex, Token, TokenKind};
use super::types::{coerce, compare, date_time, Class, Type};
use super::{Column, Scalar, Scope};
use crate::Error;

pub fn parse(text: &str, scope: Scope, limits: Limits) -> Result<Filter, Error> {
    let tokens = lex(text)?;
    let mut parser = Parser {
        text,
        tokens,
        position: 0,
        scope,
        limits,
        depth: 0,
        nodes: 0,
        variable: None,
    };
    let filter = parser.or()?;
    match parser.peek() {
        None => Ok(filter),
        Some(token) => Err(parser.syntax_error(token.start)),
    }
}

// ---------------------------------------------------------------------------------------
// Parsing and type checking

/// What a primary turned out to be: a condition, or a value of some type.
enum Node {
    Condition(Filter),
    Value(Operand, Type),
}

struct Parser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    position: usize,
    scope: Scope,
    limits: Limits,
    depth: usize,
    nodes: usize,
    /// Inside a lambda's body: its variable.
    variable: Option<lambda::Variable>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.position).cloned();
        self.position += 1;
        token
    }

    fn end_position(&self) -> usize {
        self.text.len()
    }

    fn syntax_error(&self, position: usize) -> Error {
        Error::InvalidQuery(format!(
            "Syntax error at position {position} in '{}'.",
            self.text
        ))
    }

    fn expect(&mut self, kind: TokenKind) -> Result<(), Error> {
        match self.next() {
            Some(token) if token.kind == kind => Ok(()),
            Some(token) => Err(self.syntax_error(token.start)),
            None => Err(self.syntax_error(self.end_position())),
        }
    }

    /// After an item of a parenthesised list: `,` means another follows, `)` ends it.
    fn list_continues(&mut self) -> Result<bool, Error> {
        match self.next() {
            Some(Token {
                kind: TokenKind::Comma,
                ..
            }) => Ok(true),
            Some(Token {
                kind: TokenKind::Close,
                ..
            }) => Ok(false),
            Some(token) => Err(self.syntax_error(token.start)),
            None => Err(self.syntax_error(self.end_position())),
        }
    }

    fn keyword(&self, word: &str) -> bool {
        matches!(self.peek(), Some(Token { kind: TokenKind::Bare(bare), .. }) if bare == word)
    }

    fn count_node(&mut self) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            return Err(Error::InvalidQuery(format!(
                "The $filter expression has more than {} terms.",
                self.limits.max_nodes
            )));
        }
        Ok(())
    }

    fn descend(&mut self) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.limits.max_depth {
            return Err(Error::InvalidQuery(format!(
                "The $filter expression is nested more than {} levels deep.",
                self.limits.max_depth
            )));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Filter, Error> {
        self.descend()?;
        let mut left = self.and()?;
        while self.keyword("or") {
            self.next();
            self.count_node()?;
            let right = self.and()?;
            left = Filter::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, Error> {
        let mut left = self.unary()?;
        while self.keyword("and") {
            self.next();
            self.count_node()?;
            let right = self.unary()?;
            left = Filter::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Filter, Error> {
        if self.keyword("not") {
            self.next();
            self.count_node()?;
            self.descend()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Filter::Not(Box::new(inner)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Filter, Error> {
        let start = self.peek().map_or(self.end_position(), |t| t.start);
        let left = self.primary()?;
        let operator = match self.peek() {
            Some(Token {
                kind: TokenKind::Bare(word),
                ..
            }) => match word.as_str() {
                "eq" => Some(Comparison::Eq),
                "ne" => Some(Comparison::Ne),
                "gt" => Some(Comparison::Gt),
                "ge" => Some(Comparison::Ge),
                "lt" => Some(Comparison::Lt),
                "le" => Some(Comparison::Le),
                "in" => None,
                // `and`, `or` or a stray word: the caller decides.
                _ => return condition(left, start, self),
            },
            _ => return condition(left, start, self),
        };
        self.next();
        self.count_node()?;
        let Node::Value(left, left_type) = left else {
            return Err(self.syntax_error(start));
        };
        match operator {
            Some(operator) => {
                let right_start = self.peek().map_or(self.end_position(), |t| t.start);
                let Node::Value(right, right_type) = self.primary()? else {
                    return Err(self.syntax_error(right_start));
                };
                compare(self.scope, left, left_type, operator, right, right_type)
            }
            None => {
                self.expect(TokenKind::Open)?;
                let mut list = Vec::new();
                loop {
                    let item_start = self.peek().map_or(self.end_position(), |t| t.start);
                    let Node::Value(item, item_type) = self.primary()? else {
                        return Err(self.syntax_error(item_start));
                    };
                    let Operand::Value(value) = item else {
                        return Err(Error::InvalidQuery(
                            "The list after 'in' may hold only literal values.".to_owned(),
                        ));
                    };
                    list.push(Operand::Value(coerce(
                        self.scope,
                        value,
                        item_type,
                        left_type,
                        Comparison::Eq,
                    )?));
                    if !self.list_continues()? {
                        break;
                    }
                }
                Ok(Filter::In(left, list))
            }
        }
    }

    fn primary(&mut self) -> Result<Node, Error> {
        self.count_node()?;
        let Some(token) = self.next() else {
            return Err(self.syntax_error(self.end_position()));
        };
        match token.kind {
            TokenKind::Open => {
                let inner = self.or()?;
                self.expect(TokenKind::Close)?;
                Ok(Node::Condition(inner))
            }
            TokenKind::String(value) => Ok(Node::Value(
                Operand::Value(Scalar::Text(value)),
                Type::String,
            )),
            TokenKind::Bare(word) => {
                if matches!(
                    self.peek(),
                    Some(Token {
                        kind: TokenKind::Open,
                        ..
                    })
                ) {
                    self.next();
                    if let Some((path, every)) = lambda::operator(&word) {
                        return self.lambda(path, every, token.start);
                    }
                    return self.call(&word);
                }
                self.bare(&word, token.start)
            }
            TokenKind::Close | TokenKind::Comma => Err(self.syntax_error(token.start)),
        }
    }

    fn bare(&mut self, word: &str, start: usize) -> Result<Node, Error> {
        match word {
            "true" => return Ok(Node::Value(Operand::Value(Scalar::Bool(true)), Type::Bool)),
            "false" => return Ok(Node::Value(Operand::Value(Scalar::Bool(false)), Type::Bool)),
            "null" => return Ok(Node::Value(Operand::Value(Scalar::Null), Type::Null)),
            "and" | "or" | "not" | "eq" | "ne" | "gt" | "ge" | "lt" | "le" | "in" => {
                return Err(self.syntax_error(start))
            }
            _ => {}
        }
        let first = word.chars().next().unwrap_or(' ');
        if first.is_ascii_digit() || first == '-' {
            if word.len() == 36 {
                if let Ok(guid) = Uuid::try_parse(word) {
                    return Ok(Node::Value(
                        Operand::Value(Scalar::Text(guid.hyphenated().to_string())),
                        Type::Guid,
                    ));
                }
            }
            if let Ok(number) = word.parse::<i64>() {
                return Ok(Node::Value(Operand::Value(Scalar::Int(number)), Type::Int));
            }
            if let Some(instant) = date_time(word) {
                return Ok(Node::Value(
                    Operand::Value(Scalar::Text(instant)),
                    Type::DateTime,
                ));
            }
        }
        if let Ok(guid) = Uuid::try_parse(word) {
            if word.len() == 36 {
                return Ok(Node::Value(
                    Operand::Value(Scalar::Text(guid.hyphenated().to_string())),
                    Type::Guid,
                ));
            }
        }
        if let Some(element) = self
            .variable
            .as_ref()
            .and_then(|variable| variable.element(word))
        {
            let (operand, kind) = element?;
            return Ok(Node::Value(operand, kind));
        }
        let column = self.scope.filter_path(word)?;
        Ok(Node::Value(
            Operand::Column(column),
            Type::Property(column.property.edm),
        ))
    }

    /// After `path/any(` or `path/all(`: the variable, the body, `)`.
    fn lambda(&mut self, path: &str, every: bool, start: usize) -> Result<Node, Error> {
        let collection = lambda::collection(Column::own(self.scope.property(path)?), path)?;
        if matches!(
            self.peek(),
            Some(Token {
                kind: TokenKind::Close,
                ..
            })
        ) {
            self.next();
            if every {
                return Err(self.syntax_error(start));
            }
            return Ok(Node::Condition(lambda::lambda(false, collection, None)));
        }
        if self.variable.is_some() {
            return Err(Error::InvalidQuery(
                "Lambda operators (any, all) cannot be nested.".to_owned(),
            ));
        }
        let variable = lambda::variable(&mut self.tokens, &mut self.position)
            .ok_or_else(|| self.syntax_error(start))?;
        self.variable = Some(lambda::Variable::over(variable, collection));
        let body = self.or();
        self.variable = None;
        let body = body?;
        self.expect(TokenKind::Close)?;
        Ok(Node::Condition(lambda::lambda(
            every,
            collection,
            Some(body),
        )))
    }

    fn call(&mut self, name: &str) -> Result<Node, Error> {
        let mut arguments = Vec::new();
        if matches!(
            self.peek(),
            Some(Token {
                kind: TokenKind::Close,
                ..
            })
        ) {
            self.next();
        } else {
            loop {
                self.descend()?;
                let argument_start = self.peek().map_or(self.end_position(), |t| t.start);
                match self.primary()? {
                    Node::Value(operand, kind) => arguments.push((operand, kind)),
                    Node::Condition(_) => return Err(self.syntax_error(argument_start)),
                }
                self.depth -= 1;
                if !self.list_continues()? {
                    break;
                }
            }
        }
        let lowered = name.to_ascii_lowercase();
        let arity = |n: usize| {
            if arguments.len() == n {
                Ok(())
            } else {
                Err(Error::InvalidQuery(format!(
                    "The function '{name}' takes {n} argument(s); {} were given.",
                    arguments.len()
                )))
            }
        };
        match lowered.as_str() {
            "tolower" | "toupper" => {
                arity(1)?;
                let (operand, kind) = arguments.remove(0);
                if !kind.is_textual() {
                    return Err(Error::InvalidQuery(format!(
                        "The function '{name}' needs a string argument, not {}.",
                        kind.edm(self.scope)
                    )));
                }
                let upper = lowered == "toupper";
                let operand = match operand {
                    // ASCII letters only, as SQLite's lower() and upper() fold the column
                    // side: `tolower(displayName) eq tolower('ÉMILE')` must fold both alike.
                    Operand::Value(Scalar::Text(text)) => Operand::Value(Scalar::Text(if upper {
                        text.to_ascii_uppercase()
                    } else {
                        text.to_ascii_lowercase()
                    })),
                    other if upper => Operand::Upper(Box::new(other)),
                    other => Operand::Lower(Box::new(other)),
                };
                Ok(Node::Value(operand, Type::String))
            }
            "contains" | "startswith" | "endswith" => {
                arity(2)?;
                let (needle, needle_type) = arguments.remove(1);
                let (haystack, haystack_type) = arguments.remove(0);
                if !haystack_type.is_textual() {
                    return Err(Error::InvalidQuery(format!(
                        "The function '{name}' needs a string property, not {}.",
                        haystack_type.edm(self.scope)
                    )));
                }
                let Operand::Value(Scalar::Text(needle)) = needle else {
                    return Err(Error::InvalidQuery(format!(
                        "The second argument of '{name}' must be a string literal, not {}.",
                        needle_type.edm(self.scope)
                    )));
                };
                let which = match lowered.as_str() {
                    "contains" => TextMatch::Contains,
                    "startswith" => TextMatch::StartsWith,
                    _ => TextMatch::EndsWith,
                };
                Ok(Node::Condition(Filter::Text(which, haystack, needle)))
            }
            _ => Err(Error::InvalidQuery(format!(
                    "An unknown function with name '{name}' was found. Supported: contains, startswith, endswith, tolower, toupper."
            ))),
        }
    }
}

/// A primary standing alone must be a condition or a Boolean value.
fn condition(node: Node, start: usize, parser: &Parser<'_>) -> Result<Filter, Error> {
    match node {
        Node::Condition(filter) => Ok(filter),
        Node::Value(operand, kind) if kind.class() == Class::Bool => Ok(Filter::IsTrue(operand)),
        Node::Value(..) => Err(Error::InvalidQuery(format!(
            "The expression at position {start} in '{}' is not a Boolean condition.",
            parser.text
        ))),
    }
}
