//! Recursive-descent parser building [`Node`] trees with the reference grammar's shape.
//!
//! ```text
//! input      = or EOF
//! or         = and { ("," | " or ") and }
//! and        = constraint { (";" | " and ") constraint }
//! constraint = "(" or ")" | selector operator arguments
//! arguments  = value | "(" value { ("," | " or ") value } ")"
//! ```

use crate::lexer::{Lexer, Token, TokenKind, unquote};
use crate::{Arguments, Comparison, ErrorKind, Node, Operator, ParseError, Span};

/// How deeply parenthesised groups may nest. Deeper input is a [`ErrorKind::Syntax`] error, so
/// hostile input cannot exhaust the stack.
pub const MAX_DEPTH: usize = 64;

/// Parses an RSQL filter.
///
/// ```
/// use rsql::{Operator, parse};
///
/// let tree = parse("genres=in=(sci-fi,action);(director=='Christopher Nolan',actor==*Bale)").unwrap();
/// assert_eq!(
///     tree.to_prefix(),
///     r#"(and (=in= "genres" ["sci-fi","action"]) (or (== "director" "Christopher Nolan") (== "actor" "*Bale")))"#
/// );
/// assert_eq!(parse("year>2003").unwrap().to_rsql(), "year=gt=2003");
///
/// let error = parse("year=gt=(2003,2004)").unwrap_err();
/// assert_eq!(error.to_string(), "operator '=gt=' takes one value, but 2 were given at position 8");
/// ```
pub fn parse(input: &str) -> Result<Node, ParseError> {
    if input.chars().all(char::is_whitespace) {
        return Err(ParseError::new(ErrorKind::Empty, 0, "empty filter"));
    }
    let mut parser = Parser { input, lexer: Lexer::new(input), peeked: None };
    let node = parser.or(0)?;
    let token = parser.next();
    if token.kind != TokenKind::Eof {
        return Err(parser.unexpected(token, "';', ',', 'and', 'or' or the end of the filter"));
    }
    Ok(node)
}

struct Parser<'a> {
    input: &'a str,
    lexer: Lexer<'a>,
    peeked: Option<Token>,
}

impl<'a> Parser<'a> {
    fn peek(&mut self) -> Token {
        *self.peeked.get_or_insert_with(|| self.lexer.next_token())
    }

    fn next(&mut self) -> Token {
        self.peeked.take().unwrap_or_else(|| self.lexer.next_token())
    }

    fn text(&self, token: Token) -> &'a str {
        self.input.get(token.start..token.end).unwrap_or("")
    }

    fn error(&self, kind: ErrorKind, byte: usize, message: impl Into<String>) -> ParseError {
        let position = self.input.get(..byte).unwrap_or(self.input).chars().count();
        ParseError::new(kind, position, message)
    }

    fn unexpected(&self, token: Token, expected: &'static str) -> ParseError {
        let text = self.text(token);
        let found = match token.kind {
            TokenKind::Unterminated => {
                return self.error(ErrorKind::Syntax, token.start, "unterminated quoted value");
            }
            TokenKind::Eof => "end of input".to_owned(),
            TokenKind::Quoted => format!("quoted value {}", shorten(text)),
            TokenKind::Operator => format!("operator '{text}'"),
            _ => format!("'{}'", shorten(text)),
        };
        self.error(ErrorKind::Syntax, token.start, format!("unexpected {found}")).expecting(expected)
    }

    fn or(&mut self, depth: usize) -> Result<Node, ParseError> {
        let mut nodes = vec![self.and(depth)?];
        while self.peek().kind == TokenKind::Or {
            self.next();
            nodes.push(self.and(depth)?);
        }
        Ok(collapse(nodes, Node::Or))
    }

    fn and(&mut self, depth: usize) -> Result<Node, ParseError> {
        let mut nodes = vec![self.constraint(depth)?];
        while self.peek().kind == TokenKind::And {
            self.next();
            nodes.push(self.constraint(depth)?);
        }
        Ok(collapse(nodes, Node::And))
    }

    fn constraint(&mut self, depth: usize) -> Result<Node, ParseError> {
        let token = self.next();
        match token.kind {
            TokenKind::LParen => {
                if depth >= MAX_DEPTH {
                    let message = format!("groups nested more than {MAX_DEPTH} deep");
                    return Err(self.error(ErrorKind::Syntax, token.start, message));
                }
                let node = self.or(depth + 1)?;
                let close = self.next();
                if close.kind != TokenKind::RParen {
                    return Err(self.unexpected(close, "';', ',', 'and', 'or' or ')'"));
                }
                Ok(node)
            }
            TokenKind::Unreserved => self.comparison(token).map(Node::Comparison),
            _ => Err(self.unexpected(token, "a selector or '('")),
        }
    }

    fn comparison(&mut self, selector: Token) -> Result<Comparison, ParseError> {
        let selector_text = self.text(selector);
        // Only possible with tabs or line breaks, which the grammar lets into unquoted strings.
        if selector_text.chars().all(char::is_whitespace) {
            return Err(self.error(ErrorKind::Syntax, selector.start, "blank selector"));
        }
        let op_token = self.next();
        if op_token.kind != TokenKind::Operator {
            return Err(self.unexpected(op_token, "a comparison operator such as '==' or '=in='"));
        }
        let symbol = self.text(op_token);
        let Some(operator) = Operator::from_symbol(symbol) else {
            return Err(self.error(ErrorKind::UnknownOperator, op_token.start, format!("unknown operator '{symbol}'")));
        };
        let first = self.next();
        let (values, end) = match first.kind {
            TokenKind::Unreserved | TokenKind::Quoted => (vec![self.value(first)], first.end),
            TokenKind::LParen => self.list(first)?,
            _ => return Err(self.unexpected(first, "a value or '('")),
        };
        let arguments = if operator.is_multi_valued() {
            Arguments::List(values)
        } else {
            // The reference parser accepts a parenthesised single value, `a==(x)`, as `a==x`.
            match <[String; 1]>::try_from(values) {
                Ok([value]) => Arguments::Single(value),
                Err(values) => {
                    let message = format!("operator '{symbol}' takes one value, but {} were given", values.len());
                    return Err(self.error(ErrorKind::BadArguments, first.start, message));
                }
            }
        };
        let span = Span { start: selector.start, end };
        Ok(Comparison { selector: selector_text.to_owned(), operator, arguments, span })
    }

    /// The values of a parenthesised list whose `(` is `open`, and the byte just past its `)`.
    fn list(&mut self, open: Token) -> Result<(Vec<String>, usize), ParseError> {
        let mut values = Vec::new();
        loop {
            let token = self.next();
            match token.kind {
                TokenKind::Unreserved | TokenKind::Quoted => values.push(self.value(token)),
                TokenKind::RParen if values.is_empty() => {
                    return Err(self.error(ErrorKind::BadArguments, open.start, "empty list of values"));
                }
                _ => return Err(self.unexpected(token, "a value")),
            }
            let separator = self.next();
            match separator.kind {
                TokenKind::Or => {}
                TokenKind::RParen => return Ok((values, separator.end)),
                _ => return Err(self.unexpected(separator, "',', 'or' or ')'")),
            }
        }
    }

    fn value(&self, token: Token) -> String {
        let text = self.text(token);
        if token.kind == TokenKind::Quoted { unquote(text) } else { text.to_owned() }
    }
}

/// A logical node of `nodes`, or the only node itself (so a group of one collapses to its child).
fn collapse(mut nodes: Vec<Node>, wrap: fn(Vec<Node>) -> Node) -> Node {
    if nodes.len() == 1
        && let Some(node) = nodes.pop()
    {
        return node;
    }
    wrap(nodes)
}

/// `text`, cut to a readable length for a message.
fn shorten(text: &str) -> String {
    const MAX: usize = 24;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}
