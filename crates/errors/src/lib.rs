//! The one catalogue of Quarry's business error codes, shared by REST, GraphQL and the UI.
//!
//! Every error Quarry answers with carries one of these codes. Each code knows
//! its HTTP status, the Oinone `errorCode` it maps to where the gateway needs
//! one, and a line of documentation. `docs/errors.md` is rendered from this
//! table (and a test fails when the two drift apart), so clients can switch on
//! codes and never on message text.
//!
//! This crate has no dependencies on HTTP or GraphQL types: statuses are plain
//! numbers so that every front door can use the catalogue.

use serde::{Serialize, Serializer};

macro_rules! catalogue {
    ($( $(#[doc = $doc:literal])+ $name:ident = $code:literal, $status:literal, $oinone:expr; )+) => {
        /// A business error code. The numeric value is what clients see in `code`.
        ///
        /// Variants are spelled as their stable wire names (`VALIDATION_FAILED`),
        /// so code, logs and `docs/errors.md` all use one spelling.
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ $name, )+
        }

        impl ErrorCode {
            /// Every code, in catalogue order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),+];

            /// The numeric code carried in the envelope's `code` field.
            pub const fn number(self) -> u32 {
                match self { $(ErrorCode::$name => $code,)+ }
            }

            /// The HTTP status this code is answered with.
            pub const fn http_status(self) -> u16 {
                match self { $(ErrorCode::$name => $status,)+ }
            }

            /// The Oinone gateway `errorCode` this code maps to, where one applies.
            pub const fn oinone_code(self) -> Option<&'static str> {
                match self { $(ErrorCode::$name => $oinone,)+ }
            }

            /// The symbolic name, stable across releases (`VALIDATION_FAILED`).
            pub const fn name(self) -> &'static str {
                match self { $(ErrorCode::$name => stringify!($name),)+ }
            }

            /// One line saying when this code is used.
            pub fn doc(self) -> &'static str {
                match self { $(ErrorCode::$name => concat!($($doc),+).trim(),)+ }
            }
        }
    };
}

catalogue! {
    /// The request body or parameters failed validation; `errors` lists every problem with its path.
    VALIDATION_FAILED = 1000, 400, Some("10050009");
    /// The body is not valid JSON, or a JSON value has the wrong type; `errors` says where.
    MALFORMED_JSON = 1001, 400, None;
    /// The request has no `Content-Type: application/json` where a JSON body is expected.
    UNSUPPORTED_MEDIA_TYPE = 1002, 415, None;
    /// The request body is larger than the configured limit.
    PAYLOAD_TOO_LARGE = 1003, 413, None;
    /// A path or query-string parameter is missing or malformed.
    BAD_PARAMETER = 1004, 400, None;
    /// No valid credentials were presented: the `Authorization` header is missing or not a bearer token.
    UNAUTHENTICATED = 2000, 401, Some("11500001");
    /// Login failed. The message never says whether the username exists.
    INVALID_CREDENTIALS = 2001, 401, Some("11500001");
    /// The access token has expired; refresh it with the refresh token.
    TOKEN_EXPIRED = 2002, 401, Some("11500001");
    /// The token is malformed, tampered with or signed by someone else.
    TOKEN_INVALID = 2003, 401, Some("11500001");
    /// The token belongs to a session that was logged out or revoked.
    TOKEN_REVOKED = 2004, 401, Some("11500001");
    /// A refresh token was used twice; the whole session was revoked as a precaution.
    REFRESH_TOKEN_REUSED = 2005, 401, Some("11500001");
    /// The account is disabled.
    ACCOUNT_DISABLED = 2006, 403, Some("11500001");
    /// Too many failed logins for this account or client; retry after `Retry-After` seconds.
    LOGIN_THROTTLED = 2007, 429, None;
    /// The caller is authenticated but lacks the permission the endpoint requires.
    FORBIDDEN = 2100, 403, Some("11500002");
    /// The requested resource does not exist (or the caller may not know it exists).
    NOT_FOUND = 3000, 404, None;
    /// No endpoint exists at this path.
    ROUTE_NOT_FOUND = 3001, 404, None;
    /// The endpoint exists but not for this HTTP method.
    METHOD_NOT_ALLOWED = 3002, 405, None;
    /// The request conflicts with existing data (a duplicate name, a resource still in use).
    CONFLICT = 4000, 409, None;
    /// The operation is not allowed on this resource (a built-in role, your own account).
    OPERATION_NOT_ALLOWED = 4001, 409, None;
    /// The datasource settings were not saved because the database cannot be reached; `data` has the connection test.
    DATASOURCE_UNREACHABLE = 6001, 422, None;
    /// The datasource's database is down or refuses Quarry right now; other datasources are unaffected.
    DATASOURCE_UNAVAILABLE = 6002, 503, None;
    /// The query ran longer than its timeout and was cancelled on the database.
    QUERY_TIMEOUT = 6003, 504, None;
    /// The database refused to run the query; the message is the database's own.
    QUERY_FAILED = 6004, 422, None;
    /// A webhook call was refused: its signature is missing, wrong, stale (over 5 minutes) or replayed.
    WEBHOOK_REFUSED = 7001, 401, None;
    /// Too many requests from this user or client; retry after `Retry-After` seconds.
    RATE_LIMITED = 4290, 429, None;
    /// An unexpected server error. The message carries only the request id; details are in the server log.
    INTERNAL = 5000, 500, None;
    /// The platform's metadata store cannot be reached.
    STORE_UNAVAILABLE = 5001, 503, None;
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(self.number())
    }
}

/// Renders the catalogue as the Markdown page kept at `docs/errors.md`.
pub fn render_markdown() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         <!-- Generated from crates/errors/src/lib.rs; `UPDATE_DOCS=1 cargo test -p errors` rewrites it. -->\n\n\
         Every `/api/v1` response carries `code`: `0` on success, otherwise one of the codes below. \
         Clients switch on `code` (or its name), never on `message`, whose wording may change. \
         Errors may also carry `errors: [{\"path\", \"code\", \"message\"}]` with one entry per problem.\n\n\
         | code | name | HTTP | Oinone errorCode | meaning |\n|---|---|---|---|---|\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            code.number(),
            code.name(),
            code.http_status(),
            code.oinone_code().unwrap_or("—"),
            code.doc()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn numbers_are_unique_and_statuses_are_errors() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.number()), "duplicate code {}", code.number());
            assert!(code.number() != 0, "0 means success");
            assert!((400..600).contains(&code.http_status()), "{code:?}");
        }
    }

    #[test]
    fn docs_page_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/errors.md");
        let want = render_markdown();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(path, &want).unwrap();
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(have, want, "docs/errors.md is stale: run `UPDATE_DOCS=1 cargo test -p errors`");
    }
}

/// One problem found in a request, with where it is (`roles[1]`, `body`, `password`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// Where the problem is: a JSON path into the request, or `body`/`query` for the whole thing.
    pub path: String,
    /// A stable machine-readable reason (`required`, `too_short`, `unknown`, `invalid`).
    pub code: &'static str,
    /// What is wrong, in words.
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, code: &'static str, message: impl Into<String>) -> FieldError {
        FieldError { path: path.into(), code, message: message.into() }
    }
}
