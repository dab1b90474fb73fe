//! Rows from user databases as JSON values, typed by each column's real database type.
//!
//! Exact numbers (DECIMAL/NUMERIC) and 64-bit integers beyond 2^53 travel as
//! strings so no digit is lost; binary as base64; dates and times in ISO-8601;
//! JSON columns as JSON; unsigned integers as unsigned.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sqlx::mysql::MySqlRow;
use sqlx::postgres::PgRow;
use sqlx::postgres::PgValueFormat;
use sqlx::sqlite::SqliteRow;
use sqlx::types::{BigDecimal, Uuid};
use sqlx::{Column, Row, TypeInfo, ValueRef};

/// Integers JavaScript cannot hold exactly become strings.
fn int(v: i64) -> Value {
    if v.unsigned_abs() > (1u64 << 53) { Value::String(v.to_string()) } else { json!(v) }
}

fn uint(v: u64) -> Value {
    if v > (1u64 << 53) { Value::String(v.to_string()) } else { json!(v) }
}

fn float(v: f64) -> Value {
    serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null)
}

macro_rules! get {
    ($row:expr, $i:expr, $t:ty, $f:expr) => {
        $row.try_get::<Option<$t>, _>($i).map(|v| v.map($f).unwrap_or(Value::Null))
    };
}

/// One PostgreSQL row as values in column order.
pub fn pg_row(row: &PgRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let ty = row.column(i).type_info().name().to_uppercase();
            match ty.as_str() {
                "BOOL" => get!(row, i, bool, Value::Bool),
                "INT2" => get!(row, i, i16, |v| json!(v)),
                "INT4" => get!(row, i, i32, |v| json!(v)),
                "INT8" => get!(row, i, i64, int),
                "OID" => get!(row, i, sqlx::postgres::types::Oid, |v| json!(v.0)),
                "FLOAT4" => get!(row, i, f32, |v| float(v as f64)),
                "FLOAT8" => get!(row, i, f64, float),
                "NUMERIC" => pg_numeric(row, i),
                "DATE" => get!(row, i, chrono::NaiveDate, |v| Value::String(v.to_string())),
                "TIME" => get!(row, i, chrono::NaiveTime, |v| Value::String(v.to_string())),
                "TIMESTAMP" => {
                    get!(row, i, chrono::NaiveDateTime, |v| Value::String(v.format("%Y-%m-%dT%H:%M:%S%.f").to_string()))
                }
                "TIMESTAMPTZ" => get!(row, i, chrono::DateTime<chrono::Utc>, |v| Value::String(v.to_rfc3339())),
                "JSON" | "JSONB" => get!(row, i, Value, |v| v),
                "UUID" => get!(row, i, Uuid, |v| Value::String(v.to_string())),
                "BYTEA" => get!(row, i, Vec<u8>, |v| Value::String(STANDARD.encode(v))),
                "TEXT[]" | "VARCHAR[]" => get!(row, i, Vec<String>, |v| json!(v)),
                "INT4[]" => get!(row, i, Vec<i32>, |v| json!(v)),
                "INT8[]" => get!(row, i, Vec<i64>, |v| json!(v)),
                _ => match row.try_get::<Option<String>, _>(i) {
                    Ok(v) => Ok(v.map(Value::String).unwrap_or(Value::Null)),
                    // A type with no text decoding (geometry, ranges…): say so instead of failing the row.
                    Err(_) => Ok(Value::String(format!("<{}>", ty.to_lowercase()))),
                },
            }
        })
        .collect()
}

/// NUMERIC as an exact string with the column's own scale (`1234.50`, not `1234.5000`).
/// sqlx's decoders drop the display scale, so the wire format is read here.
fn pg_numeric(row: &PgRow, i: usize) -> Result<Value, sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        return Ok(Value::Null);
    }
    if raw.format() == PgValueFormat::Text {
        return Ok(Value::String(raw.as_str().map_err(sqlx::Error::Decode)?.to_owned()));
    }
    let bytes = raw.as_bytes().map_err(sqlx::Error::Decode)?;
    numeric_text(bytes).map(Value::String).ok_or_else(|| sqlx::Error::Decode("malformed NUMERIC".into()))
}

/// Formats PostgreSQL's binary NUMERIC: ndigits, weight, sign, dscale, then base-10000 digits.
fn numeric_text(b: &[u8]) -> Option<String> {
    let word = |k: usize| -> Option<i16> { Some(i16::from_be_bytes([*b.get(2 * k)?, *b.get(2 * k + 1)?])) };
    let (ndigits, weight, sign, dscale) =
        (word(0)? as usize, word(1)? as i32, word(2)? as u16, word(3)?.max(0) as usize);
    match sign {
        0xC000 => return Some("NaN".into()),
        0xD000 => return Some("Infinity".into()),
        0xF000 => return Some("-Infinity".into()),
        _ => {}
    }
    let digits: Vec<i16> = (0..ndigits).map(|k| word(4 + k)).collect::<Option<_>>()?;
    let digit = |k: i32| {
        if k < 0 { 0 } else { digits.get(k as usize).copied().unwrap_or(0) }
    };
    let mut out = String::new();
    if sign == 0x4000 {
        out.push('-');
    }
    if weight < 0 {
        out.push('0');
    } else {
        for k in 0..=weight {
            if k == 0 {
                out.push_str(&digit(k).to_string());
            } else {
                out.push_str(&format!("{:04}", digit(k)));
            }
        }
    }
    if dscale > 0 {
        let mut frac = String::new();
        let mut k = weight + 1;
        while frac.len() < dscale {
            frac.push_str(&format!("{:04}", digit(k)));
            k += 1;
        }
        frac.truncate(dscale);
        out.push('.');
        out.push_str(&frac);
    }
    Some(out)
}

/// One MySQL/MariaDB row as values in column order.
pub fn mysql_row(row: &MySqlRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let ty = row.column(i).type_info().name().to_uppercase();
            match ty.as_str() {
                "BOOLEAN" => get!(row, i, bool, Value::Bool),
                "TINYINT" | "SMALLINT" | "MEDIUMINT" | "INT" | "BIGINT" => get!(row, i, i64, int),
                "TINYINT UNSIGNED" | "SMALLINT UNSIGNED" | "MEDIUMINT UNSIGNED" | "INT UNSIGNED"
                | "BIGINT UNSIGNED" => {
                    get!(row, i, u64, uint)
                }
                "YEAR" => get!(row, i, u16, |v| json!(v)),
                "FLOAT" => get!(row, i, f32, |v| float(v as f64)),
                "DOUBLE" => get!(row, i, f64, float),
                "DECIMAL" => get!(row, i, BigDecimal, |v| Value::String(v.to_string())),
                "DATE" => get!(row, i, chrono::NaiveDate, |v| Value::String(v.to_string())),
                "TIME" => get!(row, i, chrono::NaiveTime, |v| Value::String(v.to_string())),
                "DATETIME" => {
                    get!(row, i, chrono::NaiveDateTime, |v| Value::String(v.format("%Y-%m-%dT%H:%M:%S%.f").to_string()))
                }
                "TIMESTAMP" => get!(row, i, chrono::DateTime<chrono::Utc>, |v| Value::String(v.to_rfc3339())),
                "JSON" => get!(row, i, Value, |v| v),
                "BIT" => get!(row, i, u64, uint),
                "BINARY" | "VARBINARY" | "GEOMETRY" => {
                    get!(row, i, Vec<u8>, |v| Value::String(STANDARD.encode(v)))
                }
                // Text with a binary collation (and MariaDB's JSON, a LONGTEXT) is reported as a
                // blob too: text when it is UTF-8, base64 otherwise.
                "TINYBLOB" | "BLOB" | "MEDIUMBLOB" | "LONGBLOB" => {
                    get!(row, i, Vec<u8>, |v| match String::from_utf8(v) {
                        Ok(s) => Value::String(s),
                        Err(e) => Value::String(STANDARD.encode(e.into_bytes())),
                    })
                }
                _ => match row.try_get::<Option<String>, _>(i) {
                    Ok(v) => Ok(v.map(Value::String).unwrap_or(Value::Null)),
                    Err(_) => get!(row, i, Vec<u8>, |v| match String::from_utf8(v) {
                        Ok(s) => Value::String(s),
                        Err(e) => Value::String(STANDARD.encode(e.into_bytes())),
                    }),
                },
            }
        })
        .collect()
}

/// One SQLite row; SQLite types values, not columns, so each value is read by its own storage class.
pub fn sqlite_row(row: &SqliteRow) -> Result<Vec<Value>, sqlx::Error> {
    (0..row.len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            // Compared without allocating: this runs for every cell of every row.
            let storage = raw.type_info();
            let is = |name: &str| storage.name().eq_ignore_ascii_case(name);
            if is("INTEGER") {
                if row.column(i).type_info().name().eq_ignore_ascii_case("BOOLEAN") {
                    get!(row, i, bool, Value::Bool)
                } else {
                    get!(row, i, i64, int)
                }
            } else if is("REAL") {
                get!(row, i, f64, float)
            } else if is("BLOB") {
                get!(row, i, Vec<u8>, |v| Value::String(STANDARD.encode(v)))
            } else {
                get!(row, i, String, Value::String)
            }
        })
        .collect()
}

/// The column names of a row.
pub fn column_names<R: Row>(row: &R) -> Vec<String> {
    row.columns().iter().map(|c| c.name().to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::numeric_text;

    fn wire(ndigits: i16, weight: i16, sign: u16, dscale: i16, digits: &[i16]) -> Vec<u8> {
        let mut b = Vec::new();
        for w in [ndigits, weight, sign as i16, dscale].iter().chain(digits) {
            b.extend_from_slice(&w.to_be_bytes());
        }
        b
    }

    #[test]
    fn numeric_keeps_scale_and_digits() {
        assert_eq!(numeric_text(&wire(2, 0, 0, 2, &[1234, 5000])).unwrap(), "1234.50");
        assert_eq!(numeric_text(&wire(1, -1, 0x4000, 3, &[50])).unwrap(), "-0.005");
        assert_eq!(numeric_text(&wire(1, -2, 0, 6, &[12])).unwrap(), "0.000000");
        assert_eq!(numeric_text(&wire(2, 1, 0, 0, &[9, 7])).unwrap(), "90007");
        assert_eq!(numeric_text(&wire(0, 0, 0, 0, &[])).unwrap(), "0");
        assert_eq!(numeric_text(&wire(0, 0, 0xC000, 0, &[])).unwrap(), "NaN");
        assert!(numeric_text(&[0, 1]).is_none());
    }
}
