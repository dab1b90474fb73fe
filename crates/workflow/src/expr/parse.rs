//! Lexer and recursive-descent parser for expressions.

use super::{BinaryOp, Builtin, Expr, ExprError, MAX_DEPTH, MAX_TEXT_LEN, MAX_TOKENS, Path, Segment, UnaryOp};
use query::closest;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(serde_json::Number),
    Str(String),
    Ident(String),
    /// Punctuation and operators, spelt as written (`${` for the reference opener).
    Punct(&'static str),
}

const PUNCTS: [&str; 25] = [
    "${", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "<", ">", "!", "?", ":", "(", ")", ",", ".",
    "[", "]", "{", "}",
];

fn err(position: usize, message: impl Into<String>) -> ExprError {
    ExprError { position, message: message.into() }
}

fn lex(text: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > MAX_TEXT_LEN {
        return Err(err(MAX_TEXT_LEN, format!("expression longer than {MAX_TEXT_LEN} characters")));
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if out.len() >= MAX_TOKENS {
            return Err(err(start, format!("expression has more than {MAX_TOKENS} tokens")));
        }
        if c.is_ascii_digit() {
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let mut float = false;
            if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
                float = true;
                i += 1;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                let mut j = i + 1;
                if j < chars.len() && (chars[j] == '+' || chars[j] == '-') {
                    j += 1;
                }
                if j < chars.len() && chars[j].is_ascii_digit() {
                    float = true;
                    i = j;
                    while i < chars.len() && chars[i].is_ascii_digit() {
                        i += 1;
                    }
                }
            }
            let s: String = chars[start..i].iter().collect();
            let n = if float {
                s.parse::<f64>().ok().and_then(serde_json::Number::from_f64)
            } else {
                s.parse::<i64>().ok().map(serde_json::Number::from)
            };
            let n = n.ok_or_else(|| err(start, format!("number {s} is out of range")))?;
            out.push((Tok::Num(n), start));
        } else if c == '\'' || c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err(err(start, "unterminated string"));
                };
                i += 1;
                if ch == c {
                    break;
                }
                if ch == '\\' {
                    let Some(&esc) = chars.get(i) else {
                        return Err(err(start, "unterminated string"));
                    };
                    i += 1;
                    s.push(match esc {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '\\' | '\'' | '"' | '$' => esc,
                        other => return Err(err(i - 2, format!("unknown escape \\{other}"))),
                    });
                } else {
                    s.push(ch);
                }
            }
            out.push((Tok::Str(s), start));
        } else if c.is_alphabetic() || c == '_' {
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(chars[start..i].iter().collect()), start));
        } else {
            let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) else {
                return Err(err(start, format!("unexpected character '{c}'")));
            };
            i += p.chars().count();
            out.push((Tok::Punct(p), start));
        }
    }
    Ok(out)
}

/// Parses an expression such as `${order.stock} > 0 && len(items) < 10`.
pub fn parse(text: &str) -> Result<Expr, ExprError> {
    let tokens = lex(text)?;
    let mut p = Parser { tokens, pos: 0, depth: 0, end: text.chars().count() };
    if p.tokens.is_empty() {
        return Err(err(0, "empty expression"));
    }
    let e = p.expr()?;
    if p.pos < p.tokens.len() {
        return Err(err(p.here(), "unexpected text after the expression"));
    }
    Ok(e)
}

struct Parser {
    tokens: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn here(&self) -> usize {
        self.tokens.get(self.pos).map_or(self.end, |t| t.1)
    }

    fn peek(&self) -> Option<&Tok> {
        self.tokens.get(self.pos).map(|t| &t.0)
    }

    fn eat(&mut self, punct: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Punct(p)) if *p == punct) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, punct: &str) -> Result<(), ExprError> {
        if self.eat(punct) { Ok(()) } else { Err(err(self.here(), format!("expected '{punct}'"))) }
    }

    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(self.here(), format!("expression nested deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.enter()?;
        let cond = self.or()?;
        let e = if self.eat("?") {
            let a = self.expr()?;
            self.expect(":")?;
            let b = self.expr()?;
            Expr::Ternary(Box::new(cond), Box::new(a), Box::new(b))
        } else {
            cond
        };
        self.depth -= 1;
        Ok(e)
    }

    /// One left-associative precedence level.
    fn level(
        &mut self,
        ops: &[(&str, BinaryOp)],
        next: fn(&mut Self) -> Result<Expr, ExprError>,
    ) -> Result<Expr, ExprError> {
        let mut left = next(self)?;
        'outer: loop {
            for (text, op) in ops {
                let matches = match self.peek() {
                    Some(Tok::Punct(p)) => p == text,
                    Some(Tok::Ident(w)) => w == text,
                    _ => false,
                };
                if matches {
                    self.pos += 1;
                    let right = next(self)?;
                    left = Expr::Binary(*op, Box::new(left), Box::new(right));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.level(&[("||", BinaryOp::Or)], Self::and)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        self.level(&[("&&", BinaryOp::And)], Self::equality)
    }

    fn equality(&mut self) -> Result<Expr, ExprError> {
        self.level(&[("==", BinaryOp::Eq), ("!=", BinaryOp::Ne)], Self::comparison)
    }

    fn comparison(&mut self) -> Result<Expr, ExprError> {
        let ops = [
            ("<=", BinaryOp::Le),
            (">=", BinaryOp::Ge),
            ("<", BinaryOp::Lt),
            (">", BinaryOp::Gt),
            ("in", BinaryOp::In),
        ];
        self.level(&ops, Self::additive)
    }

    fn additive(&mut self) -> Result<Expr, ExprError> {
        self.level(&[("+", BinaryOp::Add), ("-", BinaryOp::Sub)], Self::multiplicative)
    }

    fn multiplicative(&mut self) -> Result<Expr, ExprError> {
        self.level(&[("*", BinaryOp::Mul), ("/", BinaryOp::Div), ("%", BinaryOp::Rem)], Self::unary)
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let op = if self.eat("!") {
            UnaryOp::Not
        } else if self.eat("-") {
            UnaryOp::Neg
        } else {
            return self.primary();
        };
        self.enter()?;
        let e = self.unary()?;
        self.depth -= 1;
        Ok(Expr::Unary(op, Box::new(e)))
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let at = self.here();
        let Some(tok) = self.peek().cloned() else {
            return Err(err(at, "expected a value"));
        };
        self.pos += 1;
        match tok {
            Tok::Num(n) => Ok(Expr::Literal(serde_json::Value::Number(n))),
            Tok::Str(s) => Ok(Expr::Literal(serde_json::Value::String(s))),
            Tok::Punct("(") => {
                let e = self.expr()?;
                self.expect(")")?;
                Ok(e)
            }
            Tok::Punct("${") => {
                let e = self.expr()?;
                self.expect("}")?;
                Ok(e)
            }
            Tok::Ident(word) => match word.as_str() {
                "true" => Ok(Expr::Literal(true.into())),
                "false" => Ok(Expr::Literal(false.into())),
                "null" => Ok(Expr::Literal(serde_json::Value::Null)),
                "in" => Err(err(at, "expected a value before 'in'")),
                _ if self.eat("(") => self.call(&word, at),
                _ => self.path(word),
            },
            Tok::Punct(p) => Err(err(at, format!("unexpected '{p}'"))),
        }
    }

    fn call(&mut self, name: &str, at: usize) -> Result<Expr, ExprError> {
        let Some((builtin, arity)) = Builtin::lookup(name) else {
            let hint = closest(name, Builtin::NAMES).map(|c| format!("; did you mean {c}?")).unwrap_or_default();
            return Err(err(at, format!("unknown function {name}{hint}")));
        };
        self.enter()?;
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                args.push(self.expr()?);
                if self.eat(")") {
                    break;
                }
                self.expect(",")?;
            }
        }
        self.depth -= 1;
        if args.len() != arity {
            return Err(err(at, format!("{name} takes {arity} argument(s), got {}", args.len())));
        }
        Ok(Expr::Call(builtin, args))
    }

    fn path(&mut self, root: String) -> Result<Expr, ExprError> {
        let mut segments = vec![Segment::Key(root)];
        loop {
            if self.eat(".") {
                match self.peek().cloned() {
                    Some(Tok::Ident(k)) => {
                        self.pos += 1;
                        segments.push(Segment::Key(k));
                    }
                    _ => return Err(err(self.here(), "expected a name after '.'")),
                }
            } else if self.eat("[") {
                let at = self.here();
                match self.peek().cloned() {
                    Some(Tok::Num(n)) if n.as_u64().is_some() => {
                        self.pos += 1;
                        let index = usize::try_from(n.as_u64().unwrap_or_default())
                            .map_err(|_| err(at, "index out of range"))?;
                        segments.push(Segment::Index(index));
                    }
                    Some(Tok::Str(k)) => {
                        self.pos += 1;
                        segments.push(Segment::Key(k));
                    }
                    _ => return Err(err(at, "expected an index or a quoted key inside [ ]")),
                }
                self.expect("]")?;
            } else {
                return Ok(Expr::Ref(Path { segments }));
            }
        }
    }
}
