//! Evaluation of expressions over a JSON scope, with JSON semantics and no silent coercions.

use serde_json::{Number, Value};

use super::{BinaryOp, Builtin, Expr, MAX_STRING_LEN, Path, Segment, UnaryOp};

/// Why an expression could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// A reference names nothing in the scope.
    #[error("{path} does not exist")]
    Missing {
        /// The reference as written.
        path: String,
    },
    /// An operator or function was given values of the wrong kind.
    #[error("{0}")]
    Type(String),
    /// Integer arithmetic overflowed, or a float result is not a finite number.
    #[error("{0}")]
    Arithmetic(String),
    /// Division or remainder by zero.
    #[error("division by zero")]
    DivisionByZero,
    /// A string grew beyond the limit.
    #[error("string longer than {MAX_STRING_LEN} bytes")]
    TooLong,
}

type Result<T> = std::result::Result<T, EvalError>;

/// The kind of a JSON value, for messages.
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn type_error(what: &str, a: &Value, b: Option<&Value>) -> EvalError {
    match b {
        Some(b) => EvalError::Type(format!("cannot apply {what} to {} and {}", kind(a), kind(b))),
        None => EvalError::Type(format!("cannot apply {what} to {}", kind(a))),
    }
}

/// The text form of a value: strings as they are, everything else as JSON.
pub fn text_form(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn checked_string(s: String) -> Result<Value> {
    if s.len() > MAX_STRING_LEN { Err(EvalError::TooLong) } else { Ok(Value::String(s)) }
}

/// Resolves a path in the scope.
pub fn lookup<'a>(scope: &'a Value, path: &Path) -> Result<&'a Value> {
    let mut cur = scope;
    for segment in &path.segments {
        let next = match (segment, cur) {
            (Segment::Key(k), Value::Object(map)) => map.get(k),
            (Segment::Index(i), Value::Array(items)) => items.get(*i),
            _ => None,
        };
        cur = next.ok_or_else(|| EvalError::Missing { path: path.to_string() })?;
    }
    Ok(cur)
}

fn float(f: f64) -> Result<Value> {
    Number::from_f64(f).map(Value::Number).ok_or_else(|| EvalError::Arithmetic("result is not a finite number".into()))
}

fn arithmetic(op: BinaryOp, a: &Number, b: &Number) -> Result<Value> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        let overflow = || EvalError::Arithmetic(format!("integer overflow in {x} {} {y}", symbol(op)));
        let r = match op {
            BinaryOp::Add => x.checked_add(y).ok_or_else(overflow)?,
            BinaryOp::Sub => x.checked_sub(y).ok_or_else(overflow)?,
            BinaryOp::Mul => x.checked_mul(y).ok_or_else(overflow)?,
            BinaryOp::Div if y == 0 => return Err(EvalError::DivisionByZero),
            // Exact when it divides; otherwise the float quotient, as JSON readers expect 7 / 2 = 3.5.
            BinaryOp::Div => match x.checked_rem(y) {
                Some(0) => x.checked_div(y).ok_or_else(overflow)?,
                Some(_) => return float(x as f64 / y as f64),
                None => return Err(overflow()),
            },
            BinaryOp::Rem if y == 0 => return Err(EvalError::DivisionByZero),
            BinaryOp::Rem => x.checked_rem(y).ok_or_else(overflow)?,
            _ => unreachable!("only arithmetic operators reach here"),
        };
        return Ok(Value::from(r));
    }
    let (x, y) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
    match op {
        BinaryOp::Add => float(x + y),
        BinaryOp::Sub => float(x - y),
        BinaryOp::Mul => float(x * y),
        BinaryOp::Div | BinaryOp::Rem if y == 0.0 => Err(EvalError::DivisionByZero),
        BinaryOp::Div => float(x / y),
        BinaryOp::Rem => float(x % y),
        _ => unreachable!("only arithmetic operators reach here"),
    }
}

fn symbol(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Rem => "%",
        BinaryOp::Eq => "==",
        BinaryOp::Ne => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::Le => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::Ge => ">=",
        BinaryOp::And => "&&",
        BinaryOp::Or => "||",
        BinaryOp::In => "in",
    }
}

fn num_cmp(a: &Number, b: &Number) -> std::cmp::Ordering {
    match (a.as_i64(), b.as_i64()) {
        (Some(x), Some(y)) => x.cmp(&y),
        _ => {
            let (x, y) = (a.as_f64().unwrap_or(f64::NAN), b.as_f64().unwrap_or(f64::NAN));
            x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal)
        }
    }
}

/// Deep equality where numbers compare by value (`1 == 1.0`).
fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => num_cmp(x, y).is_eq(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// `==` is strict about types: comparing a string with a number is a mistake, not `false`.
/// Only `null` compares with anything, so `x == null` checks for absence of a value.
fn equals(a: &Value, b: &Value) -> Result<bool> {
    if a.is_null() || b.is_null() || std::mem::discriminant(a) == std::mem::discriminant(b) {
        Ok(json_eq(a, b))
    } else {
        Err(type_error("==", a, Some(b)))
    }
}

fn contains(haystack: &Value, needle: &Value, what: &str) -> Result<bool> {
    match (haystack, needle) {
        (Value::Array(items), _) => Ok(items.iter().any(|x| json_eq(x, needle))),
        (Value::String(s), Value::String(n)) => Ok(s.contains(n.as_str())),
        (Value::Object(map), Value::String(k)) => Ok(map.contains_key(k)),
        _ => Err(type_error(what, needle, Some(haystack))),
    }
}

fn as_bool(v: &Value, what: &str) -> Result<bool> {
    v.as_bool().ok_or_else(|| EvalError::Type(format!("{what} needs a boolean, got {}", kind(v))))
}

fn as_str<'a>(v: &'a Value, what: &str) -> Result<&'a str> {
    v.as_str().ok_or_else(|| EvalError::Type(format!("{what} needs a string, got {}", kind(v))))
}

impl Expr {
    /// Evaluates the expression with `scope` (a JSON object) as the root of references.
    pub fn eval(&self, scope: &Value) -> Result<Value> {
        match self {
            Expr::Literal(v) => Ok(v.clone()),
            Expr::Ref(path) => lookup(scope, path).cloned(),
            Expr::Unary(UnaryOp::Not, e) => Ok(Value::Bool(!as_bool(&e.eval(scope)?, "!")?)),
            Expr::Unary(UnaryOp::Neg, e) => match e.eval(scope)? {
                Value::Number(n) => arithmetic(BinaryOp::Sub, &Number::from(0), &n),
                other => Err(type_error("unary -", &other, None)),
            },
            Expr::Binary(BinaryOp::And, a, b) => {
                Ok(Value::Bool(as_bool(&a.eval(scope)?, "&&")? && as_bool(&b.eval(scope)?, "&&")?))
            }
            Expr::Binary(BinaryOp::Or, a, b) => {
                Ok(Value::Bool(as_bool(&a.eval(scope)?, "||")? || as_bool(&b.eval(scope)?, "||")?))
            }
            Expr::Binary(op, a, b) => binary(*op, &a.eval(scope)?, &b.eval(scope)?),
            Expr::Ternary(c, a, b) => {
                if as_bool(&c.eval(scope)?, "? :")? {
                    a.eval(scope)
                } else {
                    b.eval(scope)
                }
            }
            Expr::Call(f, args) => {
                let values = args.iter().map(|a| a.eval(scope)).collect::<Result<Vec<_>>>()?;
                call(*f, &values)
            }
        }
    }
}

fn binary(op: BinaryOp, a: &Value, b: &Value) -> Result<Value> {
    use BinaryOp::*;
    match op {
        Add => match (a, b) {
            (Value::Number(x), Value::Number(y)) => arithmetic(op, x, y),
            (Value::String(_), Value::Null) | (Value::Null, Value::String(_)) => Err(type_error("+", a, Some(b))),
            (Value::String(_), _) | (_, Value::String(_)) => {
                let (x, y) = (text_form(a), text_form(b));
                if x.len() + y.len() > MAX_STRING_LEN {
                    return Err(EvalError::TooLong);
                }
                Ok(Value::String(x + &y))
            }
            _ => Err(type_error("+", a, Some(b))),
        },
        Sub | Mul | Div | Rem => match (a, b) {
            (Value::Number(x), Value::Number(y)) => arithmetic(op, x, y),
            _ => Err(type_error(symbol(op), a, Some(b))),
        },
        Eq => Ok(Value::Bool(equals(a, b)?)),
        Ne => Ok(Value::Bool(!equals(a, b)?)),
        Lt | Le | Gt | Ge => {
            let ord = match (a, b) {
                (Value::Number(x), Value::Number(y)) => num_cmp(x, y),
                (Value::String(x), Value::String(y)) => x.cmp(y),
                _ => return Err(type_error(symbol(op), a, Some(b))),
            };
            Ok(Value::Bool(match op {
                Lt => ord.is_lt(),
                Le => ord.is_le(),
                Gt => ord.is_gt(),
                _ => ord.is_ge(),
            }))
        }
        In => Ok(Value::Bool(contains(b, a, "in")?)),
        And | Or => unreachable!("short-circuit operators are evaluated by Expr::eval"),
    }
}

fn call(f: Builtin, args: &[Value]) -> Result<Value> {
    // The parser checks arity; an `Expr` built by hand with the wrong count is refused, not a panic.
    let arity = Builtin::NAMES.iter().find_map(|n| Builtin::lookup(n).filter(|(b, _)| *b == f)).map_or(0, |(_, n)| n);
    if args.len() != arity {
        return Err(EvalError::Type(format!("function takes {arity} argument(s), got {}", args.len())));
    }
    let a = &args[0];
    match f {
        Builtin::Len => match a {
            Value::String(s) => Ok(Value::from(s.chars().count())),
            Value::Array(items) => Ok(Value::from(items.len())),
            Value::Object(map) => Ok(Value::from(map.len())),
            other => Err(type_error("len", other, None)),
        },
        Builtin::Lower => checked_string(as_str(a, "lower")?.to_lowercase()),
        Builtin::Upper => checked_string(as_str(a, "upper")?.to_uppercase()),
        Builtin::Contains => Ok(Value::Bool(contains(a, &args[1], "contains")?)),
        Builtin::StartsWith => Ok(Value::Bool(as_str(a, "startsWith")?.starts_with(as_str(&args[1], "startsWith")?))),
        Builtin::EndsWith => Ok(Value::Bool(as_str(a, "endsWith")?.ends_with(as_str(&args[1], "endsWith")?))),
        Builtin::Number => match a {
            Value::Number(_) => Ok(a.clone()),
            Value::Bool(b) => Ok(Value::from(i64::from(*b))),
            Value::String(s) => {
                let t = s.trim();
                if let Ok(i) = t.parse::<i64>() {
                    Ok(Value::from(i))
                } else {
                    match t.parse::<f64>() {
                        Ok(f) if f.is_finite() => float(f),
                        _ => Err(EvalError::Type(format!("number: {s:?} is not a number"))),
                    }
                }
            }
            other => Err(type_error("number", other, None)),
        },
        Builtin::String => checked_string(text_form(a)),
    }
}
