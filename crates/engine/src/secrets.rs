//! Secrets inside definitions: webhook trigger secrets and credential-bearing `api` headers are
//! sealed before a definition reaches the store, shown as `******` in answers, and opened only
//! when an execution prepares the definition.
//!
//! A header is credential-bearing when its name says so (`Authorization`, `X-Api-Key`, anything
//! with `token`, `secret`, `key`, `password`, `auth` or `cookie`) and its value holds literal text
//! besides placeholders and an auth scheme word: `Bearer ${paymentToken}` names a variable and
//! stays readable, `Bearer sk_live_42` is sealed.

use crypto::SecretBox;
use serde_json::Value;
use workflow::Problem;

/// What answers show instead of a secret; sent back unchanged on update, it keeps the stored one.
pub const MASK: &str = "******";
const SEALED: &str = "sealed:";

pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["auth", "token", "secret", "key", "password", "cookie", "signature"].iter().any(|w| n.contains(w))
}

/// Whether a header value holds a literal credential rather than only placeholders.
fn literal_credential(value: &str) -> bool {
    let mut rest = String::new();
    let mut s = value;
    while let Some(start) = s.find("${") {
        rest.push_str(&s[..start]);
        match s[start..].find('}') {
            Some(end) => s = &s[start + end + 1..],
            None => {
                s = "";
            }
        }
    }
    rest.push_str(s);
    rest.split_whitespace().any(|w| !matches!(w.to_ascii_lowercase().as_str(), "bearer" | "basic" | "token" | "digest"))
}

/// The secret slots of a definition: (stable key, pointer to the value).
fn slots(def: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(triggers) = def.get("triggers").and_then(Value::as_array) {
        for (i, t) in triggers.iter().enumerate() {
            if t.get("type").and_then(Value::as_str) != Some("webhook") {
                continue;
            }
            let id = t.get("id").and_then(Value::as_str).map_or_else(|| format!("trigger_{}", i + 1), str::to_owned);
            if t.pointer("/config/secret").is_some_and(Value::is_string) {
                out.push((format!("trigger:{id}"), format!("/triggers/{i}/config/secret")));
            }
        }
    }
    if let Some(nodes) = def.get("nodes").and_then(Value::as_array) {
        for (i, n) in nodes.iter().enumerate() {
            let id = n.get("id").and_then(Value::as_str).unwrap_or_default();
            if let Some(headers) = n.pointer("/config/headers").and_then(Value::as_object) {
                for (name, v) in headers {
                    if is_sensitive_header(name) && v.is_string() {
                        let pointer =
                            format!("/nodes/{i}/config/headers/{}", name.replace('~', "~0").replace('/', "~1"));
                        out.push((format!("header:{id}:{}", name.to_ascii_lowercase()), pointer));
                    }
                }
            }
        }
    }
    out
}

/// `/triggers/0/config/secret` as validation writes paths: `triggers[0].config.secret`.
fn display_path(pointer: &str) -> String {
    let mut out = String::new();
    for part in pointer.trim_start_matches('/').split('/') {
        let part = part.replace("~1", "/").replace("~0", "~");
        if part.bytes().all(|b| b.is_ascii_digit()) && !part.is_empty() {
            out.push_str(&format!("[{part}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&part);
        }
    }
    out
}

/// Seals every secret of `def` in place. `******` keeps the value sealed in `previous` at the
/// same place (same trigger id, same node id and header); without one it is a problem.
pub fn seal(
    def: &mut Value,
    previous: Option<&Value>,
    secrets: &SecretBox,
    workflow_id: &str,
) -> Result<(), Vec<Problem>> {
    let old: Vec<(String, String)> = previous
        .map(|p| {
            slots(p).into_iter().filter_map(|(k, ptr)| p.pointer(&ptr)?.as_str().map(|s| (k, s.to_owned()))).collect()
        })
        .unwrap_or_default();
    let mut problems = Vec::new();
    for (key, pointer) in slots(def) {
        let Some(slot) = def.pointer_mut(&pointer) else { continue };
        let Some(text) = slot.as_str().map(str::to_owned) else { continue };
        let path = display_path(&pointer);
        if text == MASK {
            match old.iter().find(|(k, v)| *k == key && v.starts_with(SEALED)) {
                Some((_, sealed)) => *slot = Value::String(sealed.clone()),
                None => problems.push(Problem {
                    path,
                    code: "missing_secret",
                    message: "no stored secret to keep here; give the value".into(),
                }),
            }
            continue;
        }
        if key.starts_with("header:") && !literal_credential(&text) {
            continue;
        }
        match secrets.seal(&text, workflow_id) {
            Ok(sealed) => *slot = Value::String(format!("{SEALED}{sealed}")),
            Err(e) => problems.push(Problem { path, code: "secret_failed", message: e.to_string() }),
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(problems) }
}

fn map_strings(v: &Value, f: &mut dyn FnMut(&str) -> Result<Option<String>, String>) -> Result<Value, String> {
    Ok(match v {
        Value::String(s) => match f(s)? {
            Some(replaced) => Value::String(replaced),
            None => v.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(|i| map_strings(i, f)).collect::<Result<_, _>>()?),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, i)| Ok((k.clone(), map_strings(i, f)?))).collect::<Result<_, String>>()?)
        }
        other => other.clone(),
    })
}

/// The definition as answers show it: sealed values become `******`.
pub fn mask(def: &Value) -> Value {
    map_strings(def, &mut |s| Ok(s.starts_with(SEALED).then(|| MASK.to_owned()))).unwrap_or(Value::Null)
}

/// The definition with its secrets in clear, for running it.
pub fn open(def: &Value, secrets: &SecretBox, workflow_id: &str) -> Result<Value, String> {
    map_strings(def, &mut |s| match s.strip_prefix(SEALED) {
        Some(sealed) => secrets.open(sealed, workflow_id).map(Some).map_err(|e| e.to_string()),
        None => Ok(None),
    })
}

/// A fresh random secret (`whsec_` + 32 random bytes, base64url).
pub fn generate() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    format!("whsec_{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn boxed() -> SecretBox {
        SecretBox::new(&[7u8; 32])
    }

    #[test]
    fn literal_credentials_are_sealed_templates_are_not() {
        let b = boxed();
        let mut def = json!({
            "nodes": [{"id": "pay", "type": "api", "config": {"url": "https://x", "headers": {
                "Authorization": "Bearer sk_live_42", "X-Trace": "abc", "X-Api-Key": "${apiKey}",
                "Proxy-Authorization": "Bearer ${token}"}}}],
            "triggers": [{"type": "webhook", "config": {"secret": "webhook_secret_123"}}]
        });
        seal(&mut def, None, &b, "wf_1").unwrap();
        let headers = def.pointer("/nodes/0/config/headers").unwrap();
        assert!(headers["Authorization"].as_str().unwrap().starts_with(SEALED));
        assert_eq!(headers["X-Trace"], "abc");
        assert_eq!(headers["X-Api-Key"], "${apiKey}");
        assert_eq!(headers["Proxy-Authorization"], "Bearer ${token}");
        assert!(def.pointer("/triggers/0/config/secret").unwrap().as_str().unwrap().starts_with(SEALED));
        let shown = mask(&def);
        assert_eq!(shown.pointer("/nodes/0/config/headers/Authorization").unwrap(), MASK);
        assert!(!shown.to_string().contains("sk_live_42") && !def.to_string().contains("sk_live_42"));
        let clear = open(&def, &b, "wf_1").unwrap();
        assert_eq!(clear.pointer("/nodes/0/config/headers/Authorization").unwrap(), "Bearer sk_live_42");
        assert_eq!(clear.pointer("/triggers/0/config/secret").unwrap(), "webhook_secret_123");
        // Another workflow's id cannot open them.
        assert!(open(&def, &b, "wf_2").is_err());
    }

    #[test]
    fn the_mask_keeps_the_stored_secret_or_is_a_problem() {
        let b = boxed();
        let mut first =
            json!({"triggers": [{"id": "hook", "type": "webhook", "config": {"secret": "0123456789abcdef"}}]});
        seal(&mut first, None, &b, "wf_1").unwrap();
        let mut second = json!({"triggers": [{"id": "hook", "type": "webhook", "config": {"secret": MASK}}]});
        seal(&mut second, Some(&first), &b, "wf_1").unwrap();
        assert_eq!(second, first);
        let mut third = json!({"triggers": [{"id": "other", "type": "webhook", "config": {"secret": MASK}}]});
        let problems = seal(&mut third, Some(&first), &b, "wf_1").unwrap_err();
        assert_eq!(problems[0].path, "triggers[0].config.secret");
    }
}
