//! The response as workflows see it: status, headers and body as JSON, read under a size cap.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::{Map, Value};

use crate::client::from_reqwest;
use crate::{Error, Result};

/// The most memory a declared `Content-Length` reserves up front, so a server
/// cannot make every request allocate the whole cap by announcing a large body.
const INITIAL_CAPACITY: usize = 64 * 1024;

/// A response, fully read.
#[derive(Clone, PartialEq)]
pub struct Response {
    pub status: u16,
    /// Lower-case header names; a header sent several times has its values
    /// joined with `", "`, as HTTP allows for list-valued headers.
    pub headers: Map<String, Value>,
    /// The body parsed as JSON when it is JSON, the text as a JSON string
    /// otherwise, and `null` when the body is empty.
    pub body: Value,
    /// The wait the server asked for with `Retry-After` (seconds or an HTTP date).
    pub retry_after: Option<Duration>,
}

/// Header values are left out: they may hold session cookies or tokens, and a
/// `Debug` print easily ends up in a log.
impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("body", &self.body)
            .field("retry_after", &self.retry_after)
            .finish()
    }
}

impl Response {
    /// Reads `response` to the end, failing as soon as the body passes `limit`
    /// bytes so that no more than the cap (plus one network chunk) is held.
    pub(crate) async fn read(mut response: reqwest::Response, limit: usize) -> Result<Response> {
        let status = response.status().as_u16();
        let headers = header_map(response.headers());
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, Utc::now()));

        // A declared length over the cap fails before anything is read. The
        // declared length only sizes the first allocation (within reason);
        // the cap is enforced on the bytes actually received, which also
        // covers chunked and decompressed bodies.
        let declared = match response.content_length().map(usize::try_from) {
            None => 0,
            Some(Ok(n)) if n <= limit => n,
            Some(_) => return Err(Error::BodyTooLarge { limit }),
        };
        let mut body = Vec::with_capacity(declared.min(INITIAL_CAPACITY));
        while let Some(chunk) = response.chunk().await.map_err(from_reqwest)? {
            if body.len() + chunk.len() > limit {
                return Err(Error::BodyTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }

        Ok(Response { status, headers, body: body_value(&body), retry_after })
    }
}

fn header_map(headers: &HeaderMap) -> Map<String, Value> {
    let mut map = Map::new();
    for name in headers.keys() {
        let joined =
            headers.get_all(name).iter().map(|v| String::from_utf8_lossy(v.as_bytes())).collect::<Vec<_>>().join(", ");
        // `HeaderName` is already lower-case.
        map.insert(name.as_str().to_owned(), Value::String(joined));
    }
    map
}

/// JSON when the bytes parse as JSON, whatever the content type claims (many
/// APIs answer JSON as `text/plain`); otherwise the text, so a workflow can
/// still read an HTML error page or a plain-text answer.
fn body_value(body: &[u8]) -> Value {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(body).unwrap_or_else(|_| Value::String(String::from_utf8_lossy(body).into_owned()))
}

/// `Retry-After` is either a number of seconds or an HTTP date; a date in the
/// past means "now".
pub(crate) fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z").expect("test date").with_timezone(&Utc);
        assert_eq!(parse_retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:30:30 GMT", now), Some(Duration::from_secs(150)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-5", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn body_values() {
        assert_eq!(body_value(b""), Value::Null);
        assert_eq!(body_value(b" \r\n"), Value::Null);
        assert_eq!(body_value(br#"{"a":[1,2]}"#), serde_json::json!({"a": [1, 2]}));
        assert_eq!(body_value(b"hello"), Value::String("hello".into()));
        assert_eq!(body_value(b"{broken"), Value::String("{broken".into()));
    }
}
