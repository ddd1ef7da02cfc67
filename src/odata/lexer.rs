//! `$filter` text → tokens: strings (with `''` for a quote), parentheses, commas, and bare
//! words (keywords, names, paths, numbers, GUIDs, dates).

use crate::Error;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum TokenKind {
    Open,
    Close,
    Comma,
    String(String),
    /// Anything else without spaces: keywords, names, paths, numbers, GUIDs, dates.
    Bare(String),
}

#[derive(Debug, Clone)]
pub(super) struct Token {
    pub kind: TokenKind,
    pub start: usize,
}

pub(super) fn lex(text: &str) -> Result<Vec<Token>, Error> {
    let mut tokens = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | ',' => {
                chars.next();
                let kind = match c {
                    '(' => TokenKind::Open,
                    ')' => TokenKind::Close,
                    _ => TokenKind::Comma,
                };
                tokens.push(Token { kind, start });
            }
            '\'' => {
                chars.next();
                let mut value = String::new();
                loop {
                    match chars.next() {
                        Some((_, '\'')) => {
                            // A doubled quote is a quote inside the string.
                            if chars.peek().is_some_and(|&(_, next)| next == '\'') {
                                chars.next();
                                value.push('\'');
                            } else {
                                break;
                            }
                        }
                        Some((_, c)) => value.push(c),
                        None => {
                            return Err(Error::InvalidQuery(format!(
                                "There is an unterminated string literal at position {start} in '{text}'."
                            )))
                        }
                    }
                }
                tokens.push(Token {
                    kind: TokenKind::String(value),
                    start,
                });
            }
            _ => {
                let mut end = start;
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | ',' | '\'') {
                        break;
                    }
                    end = i + c.len_utf8();
                    chars.next();
                }
                tokens.push(Token {
                    kind: TokenKind::Bare(text[start..end].to_owned()),
                    start,
                });
            }
        }
    }
    Ok(tokens)
}
