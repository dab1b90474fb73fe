//! Splits a filter into tokens the way the reference parser's JavaCC token manager does.
//!
//! JavaCC takes the longest match at each position and, on a tie, the rule declared first; the
//! reference grammar declares `SKIP: " " | "\t"` before everything else. Three consequences are
//! reproduced here on purpose:
//! - ` and ` and ` or ` (one space each side, lower case) beat skipping a space, so they are
//!   logical operators wherever they appear outside quotes;
//! - a tab is skipped only when no longer unreserved string starts at it: in `a==1;\tb==2` the
//!   selector is `\tb` (the tab is part of it), while `a == 1\t;b==2` reads the value `1\t`;
//! - line breaks and other whitespace are ordinary unreserved characters.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    /// A run of characters other than `"'();,=<>!~` and space: a selector or an unquoted value.
    Unreserved,
    /// A value in single or double quotes, quotes included.
    Quoted,
    /// A quote with no closing quote before the end of the input.
    Unterminated,
    /// `;` or ` and `.
    And,
    /// `,` or ` or `.
    Or,
    LParen,
    RParen,
    /// `==`, `!=`, `=name=`, `<`, `<=`, `>`, `>=`.
    Operator,
    /// A character no token can start with here: `~`, or a `=`/`!` not forming an operator.
    Invalid,
    Eof,
}

/// A token and its byte range in the input. For ` and `/` or ` the range covers the word only.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

/// Whether `c` may appear in an unquoted selector or value.
pub(crate) fn is_unreserved(c: char) -> bool {
    !matches!(c, '"' | '\'' | '(' | ')' | ';' | ',' | '=' | '<' | '>' | '!' | '~' | ' ')
}

fn unreserved_len(text: &str) -> usize {
    text.char_indices().find(|&(_, c)| !is_unreserved(c)).map_or(text.len(), |(i, _)| i)
}

pub(crate) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(input: &'a str) -> Lexer<'a> {
        Lexer { input, pos: 0 }
    }

    /// The next token; at the end of the input, `Eof` (again and again).
    pub(crate) fn next_token(&mut self) -> Token {
        loop {
            let start = self.pos;
            let rest = self.input.get(start..).unwrap_or("");
            let Some(first) = rest.chars().next() else {
                return Token { kind: TokenKind::Eof, start, end: start };
            };
            let (kind, len) = match first {
                ' ' if rest.starts_with(" and ") => (TokenKind::And, 5),
                ' ' if rest.starts_with(" or ") => (TokenKind::Or, 4),
                ' ' => {
                    self.pos += 1;
                    continue;
                }
                '\t' => match unreserved_len(rest) {
                    len if len > 1 => (TokenKind::Unreserved, len),
                    _ => {
                        self.pos += 1;
                        continue;
                    }
                },
                '(' => (TokenKind::LParen, 1),
                ')' => (TokenKind::RParen, 1),
                ';' => (TokenKind::And, 1),
                ',' => (TokenKind::Or, 1),
                '"' | '\'' => quoted_len(rest, first),
                '=' => {
                    let letters = rest[1..].bytes().take_while(u8::is_ascii_alphabetic).count();
                    match rest.as_bytes().get(1 + letters) {
                        Some(b'=') => (TokenKind::Operator, letters + 2),
                        _ => (TokenKind::Invalid, 1),
                    }
                }
                '!' if rest[1..].starts_with('=') => (TokenKind::Operator, 2),
                '<' | '>' if rest[1..].starts_with('=') => (TokenKind::Operator, 2),
                '<' | '>' => (TokenKind::Operator, 1),
                '!' | '~' => (TokenKind::Invalid, 1),
                _ => (TokenKind::Unreserved, unreserved_len(rest)),
            };
            self.pos = start + len;
            let mut token = Token { kind, start, end: self.pos };
            if len > 1 && matches!(kind, TokenKind::And | TokenKind::Or) {
                // ` and `/` or `: cover the word, which is where an error should point.
                token.start += 1;
                token.end -= 1;
            }
            return token;
        }
    }
}

/// The kind and byte length of a quoted value starting at `text` (which begins with `quote`).
/// Inside quotes a backslash escapes any next character; anything else but the quote is literal.
fn quoted_len(text: &str, quote: char) -> (TokenKind, usize) {
    let mut chars = text.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            if chars.next().is_none() {
                break;
            }
        } else if c == quote {
            return (TokenKind::Quoted, i + 1);
        }
    }
    (TokenKind::Unterminated, text.len())
}

/// The value of a quoted token: quotes removed, each `\x` replaced by `x`.
pub(crate) fn unquote(token_text: &str) -> String {
    let inner = token_text.get(1..token_text.len().saturating_sub(1)).unwrap_or("");
    let mut value = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            value.extend(chars.next());
        } else {
            value.push(c);
        }
    }
    value
}
