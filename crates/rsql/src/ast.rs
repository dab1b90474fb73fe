//! The parsed filter: logical nodes, comparisons, their values and where they were written.

use std::ops::Range;

use crate::Operator;

/// A parsed filter.
///
/// The shape follows the reference parser: `And` and `Or` are n-ary (`a;b;c` is one `And` with
/// three children) and a parenthesised group stays its own node (`(a;b);c` is an `And` whose first
/// child is an `And`), while a group of one collapses to its child. Trees built by [`crate::parse`]
/// never hold a logical node with fewer than two children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Every child holds (`;` or ` and `).
    And(Vec<Node>),
    /// At least one child holds (`,` or ` or `).
    Or(Vec<Node>),
    /// A single `selector operator arguments` test.
    Comparison(Comparison),
}

/// One comparison, e.g. `genres=in=(sci-fi,action)`.
///
/// Equality ignores [`Comparison::span`]: two comparisons are equal when they test the same
/// selector with the same operator and values, wherever they were written.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The selector as written (a field or a dotted `relation.field` path; never quoted).
    pub selector: String,
    /// The operator, aliases already resolved to their canonical form.
    pub operator: Operator,
    /// The values, quotes removed and backslash escapes resolved. `List` exactly when the operator
    /// [is multi-valued](Operator::is_multi_valued).
    pub arguments: Arguments,
    /// Where the comparison was written: a byte range of the parsed input, from the selector to
    /// the last value or closing parenthesis. Empty for comparisons built by hand.
    pub span: Span,
}

impl Comparison {
    /// A comparison built by hand, with an empty span.
    pub fn new(selector: impl Into<String>, operator: Operator, arguments: Arguments) -> Comparison {
        Comparison { selector: selector.into(), operator, arguments, span: Span::default() }
    }
}

impl PartialEq for Comparison {
    fn eq(&self, other: &Comparison) -> bool {
        self.selector == other.selector && self.operator == other.operator && self.arguments == other.arguments
    }
}

impl Eq for Comparison {}

/// The values of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arguments {
    /// The one value of a single-valued operator.
    Single(String),
    /// The values of a multi-valued operator (never empty when parsed).
    List(Vec<String>),
}

impl Arguments {
    /// The values as a slice, whichever the variant.
    pub fn values(&self) -> &[String] {
        match self {
            Arguments::Single(value) => std::slice::from_ref(value),
            Arguments::List(values) => values,
        }
    }
}

/// A byte range of the parsed input (`start..end`), for pointing at a comparison in messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset just past the last byte.
    pub end: usize,
}

impl Span {
    /// The span as a `Range`, e.g. for slicing the input with `input.get(span.range())`.
    pub fn range(self) -> Range<usize> {
        self.start..self.end
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Range<usize> {
        span.range()
    }
}
