//! `${…}` placeholders in JSON templates (api urls, headers and bodies, query configs, end outputs).
//!
//! A string that is exactly one placeholder keeps the referenced value's JSON type
//! (`"${order.amount}"` → `42.5`); a string with text around placeholders becomes a string with
//! each value's text form (objects and arrays as JSON). A placeholder holds an expression
//! (`${order.qty * 2}`); `\${` writes a literal `${`. Object keys are never interpolated.

use serde_json::Value;

use crate::expr::{self, EvalError, Expr, ExprError, MAX_STRING_LEN, Path};

/// A piece of a template string.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Literal text (escapes already removed).
    Text(String),
    /// A `${…}` placeholder.
    Placeholder(Expr),
}

/// Splits a template string into text and placeholders. Positions in errors count characters
/// from the start of the string.
pub fn parse_template(s: &str) -> Result<Vec<Part>, ExprError> {
    let chars: Vec<char> = s.chars().collect();
    let mut parts = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && chars.get(i + 1) == Some(&'$') && chars.get(i + 2) == Some(&'{') {
            text.push_str("${");
            i += 3;
        } else if chars[i] == '$' && chars.get(i + 1) == Some(&'{') {
            let start = i + 2;
            let end = closing_brace(&chars, start)
                .ok_or_else(|| ExprError { position: i, message: "unclosed placeholder: missing '}'".into() })?;
            let inner: String = chars[start..end].iter().collect();
            let e = expr::parse(&inner).map_err(|e| ExprError { position: start + e.position, message: e.message })?;
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(Part::Placeholder(e));
            i = end + 1;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    if !text.is_empty() {
        parts.push(Part::Text(text));
    }
    Ok(parts)
}

/// The index of the `}` closing a placeholder whose content starts at `start`, skipping braces
/// inside quoted strings and nested `${…}` references.
fn closing_brace(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(_) if c == '\\' => i += 1,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '{' => depth += 1,
            None if c == '}' && depth == 0 => return Some(i),
            None if c == '}' => depth -= 1,
            None => {}
        }
        i += 1;
    }
    None
}

/// Fills every placeholder in `template` from `scope`.
pub fn interpolate(template: &Value, scope: &Value) -> Result<Value, EvalError> {
    match template {
        Value::String(s) if s.contains("${") => {
            let parts = parse_template(s).map_err(|e| EvalError::Type(format!("invalid template: {e}")))?;
            match parts.as_slice() {
                [Part::Placeholder(e)] => e.eval(scope),
                _ => {
                    let mut out = String::new();
                    for part in &parts {
                        match part {
                            Part::Text(t) => out.push_str(t),
                            Part::Placeholder(e) => out.push_str(&expr::text_form(&e.eval(scope)?)),
                        }
                        if out.len() > MAX_STRING_LEN {
                            return Err(EvalError::TooLong);
                        }
                    }
                    Ok(Value::String(out))
                }
            }
        }
        Value::Array(items) => items.iter().map(|v| interpolate(v, scope)).collect::<Result<_, _>>().map(Value::Array),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), interpolate(v, scope)?)))
            .collect::<Result<_, _>>()
            .map(Value::Object),
        other => Ok(other.clone()),
    }
}

/// Every string in `template` that holds a placeholder, with its location below `prefix`
/// (`prefix.body.amount`, `prefix.items[0]`), parsed.
pub fn template_strings(template: &Value, prefix: &str) -> Vec<(String, Result<Vec<Part>, ExprError>)> {
    let mut out = Vec::new();
    walk(template, prefix.to_owned(), &mut out);
    out
}

fn walk(v: &Value, at: String, out: &mut Vec<(String, Result<Vec<Part>, ExprError>)>) {
    match v {
        Value::String(s) if s.contains("${") => out.push((at, parse_template(s))),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| walk(v, format!("{at}[{i}]"), out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| walk(v, format!("{at}.{k}"), out)),
        _ => {}
    }
}

/// Every reference in every placeholder of `template`, or the first malformed placeholder.
pub fn template_references(template: &Value) -> Result<Vec<Path>, ExprError> {
    let mut refs = Vec::new();
    for (_, parts) in template_strings(template, "") {
        for part in parts? {
            if let Part::Placeholder(e) = part {
                refs.extend(e.references());
            }
        }
    }
    Ok(refs)
}
