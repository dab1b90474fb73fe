//! The workflow expression language: a small, sandboxed, non-Turing-complete evaluator over JSON.
//!
//! There are no loops, no user functions and no clock, so evaluation always terminates and is
//! deterministic. Texts are capped at [`MAX_TEXT_LEN`] characters and [`MAX_TOKENS`] tokens,
//! nesting at [`MAX_DEPTH`], and strings built during evaluation at [`MAX_STRING_LEN`] bytes.

mod eval;
mod parse;

use std::fmt;

pub use eval::{EvalError, lookup, text_form};
pub use parse::parse;

/// The longest expression text accepted, in characters.
pub const MAX_TEXT_LEN: usize = 10_000;
/// The most tokens one expression may have; this also bounds the depth of the tree.
pub const MAX_TOKENS: usize = 500;
/// The deepest nesting of parentheses, unary operators and calls.
pub const MAX_DEPTH: usize = 32;
/// The longest string evaluation may build, in bytes.
pub const MAX_STRING_LEN: usize = 1 << 20;

/// A parse error with the 0-based character position where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct ExprError {
    /// 0-based character offset into the expression text.
    pub position: usize,
    /// What is wrong, in words.
    pub message: String,
}

/// One step of a [`Path`]: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// `.name` (or the first name of the path).
    Key(String),
    /// `[3]`.
    Index(usize),
}

/// A reference such as `order.items[0].name`; the first segment is always a key, the root name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Path {
    /// The segments, root first.
    pub segments: Vec<Segment>,
}

impl Path {
    /// The root name (`order` in `order.stock`).
    pub fn root(&self) -> &str {
        match self.segments.first() {
            Some(Segment::Key(k)) => k,
            _ => "",
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => write!(f, "{k}")?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Binary operators, in the order of the documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`: numbers add, strings concatenate.
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `%`
    Rem,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `&&` (short-circuit)
    And,
    /// `||` (short-circuit)
    Or,
    /// `in`: element of an array, substring of a string, key of an object.
    In,
}

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!`
    Not,
    /// `-`
    Neg,
}

/// The built-in functions; all are pure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    /// `len(x)`: characters of a string, elements of an array, keys of an object.
    Len,
    /// `lower(s)`
    Lower,
    /// `upper(s)`
    Upper,
    /// `contains(a, b)`: same as `b in a`.
    Contains,
    /// `startsWith(s, prefix)`
    StartsWith,
    /// `endsWith(s, suffix)`
    EndsWith,
    /// `number(x)`: a number from a number, a numeric string or a boolean.
    Number,
    /// `string(x)`: the text form (objects and arrays as JSON).
    String,
}

impl Builtin {
    /// The built-in called `name`, with its number of arguments.
    pub fn lookup(name: &str) -> Option<(Builtin, usize)> {
        Some(match name {
            "len" => (Builtin::Len, 1),
            "lower" => (Builtin::Lower, 1),
            "upper" => (Builtin::Upper, 1),
            "contains" => (Builtin::Contains, 2),
            "startsWith" => (Builtin::StartsWith, 2),
            "endsWith" => (Builtin::EndsWith, 2),
            "number" => (Builtin::Number, 1),
            "string" => (Builtin::String, 1),
            _ => return None,
        })
    }

    /// The names of all built-ins, for suggestions.
    pub const NAMES: [&'static str; 8] =
        ["len", "lower", "upper", "contains", "startsWith", "endsWith", "number", "string"];
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// A literal JSON value (number, string, boolean or null).
    Literal(serde_json::Value),
    /// A reference into the scope, written `${a.b}` or bare `a.b`.
    Ref(Path),
    /// `!x`, `-x`
    Unary(UnaryOp, Box<Expr>),
    /// `a op b`
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(args)`
    Call(Builtin, Vec<Expr>),
}

impl Expr {
    /// Every reference in the expression, in order of appearance (used by validation).
    pub fn references(&self) -> Vec<Path> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references(&self, out: &mut Vec<Path>) {
        match self {
            Expr::Literal(_) => {}
            Expr::Ref(p) => out.push(p.clone()),
            Expr::Unary(_, e) => e.collect_references(out),
            Expr::Binary(_, a, b) => {
                a.collect_references(out);
                b.collect_references(out);
            }
            Expr::Ternary(c, a, b) => {
                c.collect_references(out);
                a.collect_references(out);
                b.collect_references(out);
            }
            Expr::Call(_, args) => args.iter().for_each(|a| a.collect_references(out)),
        }
    }
}

#[cfg(test)]
mod tests;
