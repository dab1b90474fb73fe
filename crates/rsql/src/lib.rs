//! RSQL filter parser, compatible with jirutka rsql-parser 2.1.0 and Oinone's operators.
//!
//! Pure: no I/O and no other Quarry crate. [`parse`] turns a filter such as
//! `name=="Kill Bill";year=gt=2003` into a [`Node`] tree that keeps the reference parser's shape
//! (n-ary `and`/`or`, AND binding tighter than OR, a parenthesised group staying its own node),
//! with each [`Comparison`] remembering where it was written. Errors carry the 0-based character
//! position of the problem ([`ParseError::caret`] draws it). [`Node::to_prefix`] prints the
//! notation of the shared conformance file and [`Node::to_rsql`] a canonical filter that parses
//! back to an equal tree.
//!
//! Values are only ever data here: the crate never builds SQL, and Quarry binds every value.

mod ast;
mod encoding;
mod error;
mod lexer;
mod operator;
mod parser;
mod print;

pub use ast::{Arguments, Comparison, Node, Span};
pub use encoding::decode_base64_prefix;
pub use error::{ErrorKind, ParseError};
pub use operator::Operator;
pub use parser::{MAX_DEPTH, parse};

#[cfg(test)]
mod tests;
