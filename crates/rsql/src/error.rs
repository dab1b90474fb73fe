//! Parse errors: what went wrong, and the character position where it did.

/// What kind of problem stopped the parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The text does not follow the grammar: an unexpected or malformed token, an unterminated
    /// quoted value, a blank selector, groups nested deeper than [`crate::MAX_DEPTH`], or
    /// undecodable `base64:` input.
    Syntax,
    /// A well-formed `=name=` operator that Quarry does not know.
    UnknownOperator,
    /// Values that do not suit the operator: several values for a single-valued operator, or an
    /// empty list `()`.
    BadArguments,
    /// The filter is empty or only whitespace.
    Empty,
}

/// Why a filter could not be parsed.
///
/// Displays as e.g. `unexpected ')' at position 7, expected a value`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at position {position}{}", expected_suffix(*.expected))]
pub struct ParseError {
    /// The kind of problem, for callers that map errors to codes.
    pub kind: ErrorKind,
    /// Where the problem is: a 0-based offset in characters (Unicode scalar values, not bytes),
    /// at most the input's length in characters (the length itself means "at the end").
    pub position: usize,
    /// What went wrong, without the position, e.g. `unexpected ')'`.
    pub message: String,
    expected: Option<&'static str>,
}

fn expected_suffix(expected: Option<&'static str>) -> String {
    expected.map(|what| format!(", expected {what}")).unwrap_or_default()
}

impl ParseError {
    pub(crate) fn new(kind: ErrorKind, position: usize, message: impl Into<String>) -> ParseError {
        ParseError { kind, position, message: message.into(), expected: None }
    }

    pub(crate) fn expecting(mut self, what: &'static str) -> ParseError {
        self.expected = Some(what);
        self
    }

    /// What the parser would have accepted at [`ParseError::position`], e.g. `a value`, when
    /// that helps the reader.
    pub fn expected(&self) -> Option<&'static str> {
        self.expected
    }

    /// Renders `input` on one line and a caret under [`ParseError::position`] on the next:
    ///
    /// ```text
    /// name==x)
    ///        ^
    /// ```
    ///
    /// Tabs, line breaks and other control characters in the input are shown as spaces so the
    /// caret stays under its character.
    pub fn caret(&self, input: &str) -> String {
        let line: String = input.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let pad = self.position.min(line.chars().count());
        format!("{line}\n{}^", " ".repeat(pad))
    }
}
