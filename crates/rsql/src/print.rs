//! Printing trees back out: the conformance file's prefix notation and canonical RSQL.

use std::fmt::{self, Write as _};

use crate::lexer::is_unreserved;
use crate::{Arguments, Comparison, Node};

impl Node {
    /// The tree in the prefix notation of the shared conformance file: `(and A B)`, `(or A B)`,
    /// `(OP "selector" "value")` and `(OP "selector" ["v1","v2"])`, operators in canonical form,
    /// selector and values as JSON strings.
    pub fn to_prefix(&self) -> String {
        let mut out = String::new();
        write_prefix(self, &mut out);
        out
    }

    /// The tree as a canonical RSQL filter that [`crate::parse`] reads back to an equal tree:
    /// `;` and `,` for the logical operators, canonical operator symbols, groups only where the
    /// shape needs them, values quoted only when they must be (or hold whitespace or control
    /// characters), lists always in parentheses.
    ///
    /// The round trip holds for every tree `parse` returns. A hand-built tree round-trips when
    /// it could have been parsed: logical nodes with at least two children, selectors made of
    /// unreserved characters, a `List` exactly for multi-valued operators and never empty.
    pub fn to_rsql(&self) -> String {
        self.to_string()
    }
}

/// Writes [`Node::to_rsql`].
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Comparison(comparison) => write_comparison(comparison, f),
            Node::And(children) => write_children(children, ";", f, |child| !matches!(child, Node::Comparison(_))),
            Node::Or(children) => write_children(children, ",", f, |child| matches!(child, Node::Or(_))),
        }
    }
}

fn write_children(
    children: &[Node],
    separator: &str,
    f: &mut fmt::Formatter<'_>,
    needs_group: fn(&Node) -> bool,
) -> fmt::Result {
    for (i, child) in children.iter().enumerate() {
        if i > 0 {
            f.write_str(separator)?;
        }
        if needs_group(child) {
            write!(f, "({child})")?;
        } else {
            write!(f, "{child}")?;
        }
    }
    Ok(())
}

fn write_comparison(comparison: &Comparison, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    f.write_str(&comparison.selector)?;
    f.write_str(comparison.operator.symbol())?;
    match &comparison.arguments {
        Arguments::Single(value) => write_value(value, f),
        Arguments::List(values) => {
            f.write_char('(')?;
            for (i, value) in values.iter().enumerate() {
                if i > 0 {
                    f.write_char(',')?;
                }
                write_value(value, f)?;
            }
            f.write_char(')')
        }
    }
}

/// Writes `value` bare when the grammar reads it back unchanged, else quoted: in double quotes
/// unless it holds a double quote and no single quote, with `\` and the quote escaped.
fn write_value(value: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let bare = !value.is_empty() && value.chars().all(|c| is_unreserved(c) && !c.is_whitespace() && !c.is_control());
    if bare {
        return f.write_str(value);
    }
    let quote = if value.contains('"') && !value.contains('\'') { '\'' } else { '"' };
    f.write_char(quote)?;
    for c in value.chars() {
        if c == quote || c == '\\' {
            f.write_char('\\')?;
        }
        f.write_char(c)?;
    }
    f.write_char(quote)
}

fn write_prefix(node: &Node, out: &mut String) {
    let (word, children) = match node {
        Node::And(children) => ("and", children),
        Node::Or(children) => ("or", children),
        Node::Comparison(comparison) => {
            out.push('(');
            out.push_str(comparison.operator.symbol());
            out.push(' ');
            push_json_string(&comparison.selector, out);
            out.push(' ');
            match &comparison.arguments {
                Arguments::Single(value) => push_json_string(value, out),
                Arguments::List(values) => {
                    out.push('[');
                    for (i, value) in values.iter().enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        push_json_string(value, out);
                    }
                    out.push(']');
                }
            }
            out.push(')');
            return;
        }
    };
    out.push('(');
    out.push_str(word);
    for child in children {
        out.push(' ');
        write_prefix(child, out);
    }
    out.push(')');
}

/// Appends `text` as a JSON string literal, escaped exactly as `serde_json` does: `"`, `\` and
/// control characters below U+0020 (`\b \t \n \f \r` by name, the rest as `\u00xx`).
fn push_json_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
