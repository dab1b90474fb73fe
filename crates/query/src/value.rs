//! Typing values by the column they meet, shared by filters (`plan`) and writes (`write`).

use crate::catalog::TypeFamily;
use crate::dsl::Scalar;

/// Types a value for a column of `family`: numbers for numeric columns, text for text columns,
/// booleans from `1`/`"yes"`… The one place values are coerced, for filters and for writes.
pub(crate) fn typed(value: &Scalar, family: TypeFamily) -> Result<Scalar, String> {
    let bad = |what: &str| Err(format!("{value:?} is not {what}"));
    match (family, value) {
        (_, Scalar::Null) => Ok(Scalar::Null),
        (TypeFamily::Integer, Scalar::Int(_)) => Ok(value.clone()),
        (TypeFamily::Integer, Scalar::Bool(b)) => Ok(Scalar::Int(i64::from(*b))),
        (TypeFamily::Integer, Scalar::Text(t)) => match t.trim().parse::<i64>() {
            Ok(i) => Ok(Scalar::Int(i)),
            Err(_) => bad("an integer"),
        },
        (TypeFamily::Integer, Scalar::Float(f)) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Scalar::Int(*f as i64)),
        (TypeFamily::Integer, Scalar::Float(_)) => Ok(value.clone()),
        (TypeFamily::Decimal, Scalar::Int(_) | Scalar::Float(_)) => Ok(value.clone()),
        (TypeFamily::Decimal | TypeFamily::Float, Scalar::Text(t)) => match t.trim().parse::<f64>() {
            // Exact decimals stay text so no digit is lost in binding.
            Ok(_) if family == TypeFamily::Decimal => Ok(Scalar::Text(t.trim().to_owned())),
            Ok(f) => Ok(Scalar::Float(f)),
            Err(_) => bad("a number"),
        },
        (TypeFamily::Float, Scalar::Int(i)) => Ok(Scalar::Float(*i as f64)),
        (TypeFamily::Float, Scalar::Float(_)) => Ok(value.clone()),
        (TypeFamily::Boolean, Scalar::Bool(_)) => Ok(value.clone()),
        (TypeFamily::Boolean, Scalar::Int(i @ (0 | 1))) => Ok(Scalar::Bool(*i == 1)),
        (TypeFamily::Boolean, Scalar::Text(t)) => match t.to_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Scalar::Bool(true)),
            "false" | "0" | "no" => Ok(Scalar::Bool(false)),
            _ => bad("a boolean"),
        },
        (TypeFamily::Boolean, _) => bad("a boolean"),
        (TypeFamily::Date | TypeFamily::Time | TypeFamily::Timestamp | TypeFamily::TimestampTz, Scalar::Text(t)) => {
            if t.trim().starts_with(|c: char| c.is_ascii_digit()) && t.len() <= 40 {
                Ok(Scalar::Text(t.trim().to_owned()))
            } else {
                bad("a date or time such as 2024-01-01 or 2024-01-01T12:00:00Z")
            }
        }
        (TypeFamily::Date | TypeFamily::Time | TypeFamily::Timestamp | TypeFamily::TimestampTz, _) => {
            bad("a date or time string")
        }
        (TypeFamily::Uuid, Scalar::Text(t)) if t.len() == 36 || t.len() == 32 => Ok(value.clone()),
        (TypeFamily::Uuid, _) => bad("a UUID"),
        (TypeFamily::Text, Scalar::Int(i)) => Ok(Scalar::Text(i.to_string())),
        (TypeFamily::Text, Scalar::Float(f)) => Ok(Scalar::Text(f.to_string())),
        (TypeFamily::Text, Scalar::Bool(b)) => Ok(Scalar::Text(b.to_string())),
        _ => Ok(value.clone()),
    }
}

/// Whether columns of two families can be compared with each other in SQL on every dialect:
/// the same family, numbers with numbers, dates with timestamps; `Other` (a type Quarry does
/// not know) is left to the database.
pub(crate) fn comparable(a: TypeFamily, b: TypeFamily) -> bool {
    use TypeFamily::*;
    let numeric = |f| matches!(f, Integer | Decimal | Float);
    let temporal = |f| matches!(f, Date | Timestamp | TimestampTz);
    a == b || a == Other || b == Other || (numeric(a) && numeric(b)) || (temporal(a) && temporal(b))
}
