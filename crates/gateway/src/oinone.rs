//! Oinone's error and message shapes (`docs/oinone-protocol.md`, seed 003): error codes the
//! front end acts on, `errors[].extensions`, and message levels with `msgLevel` filtering.

use async_graphql::{ErrorExtensions, Value};
use serde::Serialize;

/// Not logged in: the front end redirects to the login page.
pub const NOT_LOGGED_IN: u32 = 11_500_001;
/// No permission for the entry application (or the datasource).
pub const NO_PERMISSION: u32 = 11_500_002;
/// No permission on the module.
pub const NO_MODULE_PERMISSION: u32 = 11_040_035;
/// Form validation: shown on the field, not as a toast.
pub const VALIDATION: u32 = 10_050_009;

pub const RSQL_SYSTEM: u32 = 10_016_000;
pub const RSQL_UNSUPPORTED_RELATION: u32 = 10_016_001;
pub const RSQL_NO_ARGUMENT: u32 = 10_016_002;
pub const RSQL_BAD_ARGUMENTS: u32 = 10_016_003;
pub const RSQL_NO_FIELD: u32 = 10_016_004;
pub const RSQL_INVALID_BOOLEAN: u32 = 10_016_005;
pub const RSQL_UNSUPPORTED_OPERATOR: u32 = 10_016_007;
pub const RSQL_NO_COLUMN: u32 = 10_016_009;

/// GraphQL-level failures: the document does not parse or does not fit the schema.
pub const GRAPHQL_SYSTEM: u32 = 10_017_000;
/// The function (a root or model field) does not exist.
pub const GRAPHQL_FUNCTION_NOT_FOUND: u32 = 10_017_001;
/// A field is not defined on the type.
pub const GRAPHQL_FIELD_UNDEFINED: u32 = 10_017_002;
/// The module is unknown.
pub const MODULE_NOT_FOUND: u32 = 10_017_003;
/// The database refused or timed out.
pub const DATA_ERROR: u32 = 10_017_010;
/// Anything unexpected; details are logged, not returned.
pub const SYSTEM_ERROR: u32 = 10_017_013;

/// Message levels, in Oinone's order: DEBUG < INFO < SUCCESS < WARN < ERROR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Level {
    Debug,
    Info,
    Success,
    Warn,
    Error,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        Some(match text.to_ascii_uppercase().as_str() {
            "DEBUG" => Level::Debug,
            "INFO" => Level::Info,
            "SUCCESS" => Level::Success,
            "WARN" | "WARNING" => Level::Warn,
            "ERROR" => Level::Error,
            _ => return None,
        })
    }
}

/// A message for `extensions.messages`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub level: Level,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// An error in Oinone's shape, raised by resolvers and the transport.
#[derive(Debug, Clone)]
pub struct OinoneError {
    pub code: u32,
    pub message: String,
    pub error_type: &'static str,
    /// The field a validation error concerns.
    pub field: Option<String>,
    /// Every problem, when there are several (validation with `RETURN_WHEN_COMPLETED`): each
    /// becomes one entry of `extensions.messages`, with its field.
    pub details: Vec<(String, Option<String>)>,
}

impl OinoneError {
    pub fn new(code: u32, message: impl Into<String>) -> OinoneError {
        let error_type = match code {
            NOT_LOGGED_IN | NO_PERMISSION | NO_MODULE_PERMISSION => "SECURITY_ERROR",
            10_016_000..=10_016_999 | VALIDATION => "BIZ_ERROR",
            DATA_ERROR => "DATA_ERROR",
            SYSTEM_ERROR | GRAPHQL_SYSTEM => "SYSTEM_ERROR",
            _ => "BIZ_ERROR",
        };
        OinoneError { code, message: message.into(), error_type, field: None, details: Vec::new() }
    }

    pub fn on_field(mut self, field: impl Into<String>) -> OinoneError {
        self.field = Some(field.into());
        self
    }

    pub fn with_details(mut self, details: Vec<(String, Option<String>)>) -> OinoneError {
        self.details = details;
        self
    }

    /// The `extensions` object of an entry in `errors`.
    pub fn extensions(&self) -> serde_json::Value {
        let entry = |text: &str, field: Option<&String>| {
            let mut message = serde_json::json!({
                "level": "ERROR",
                "message": text,
                "code": self.code.to_string(),
                "errorType": self.error_type,
            });
            if let Some(f) = field {
                message["field"] = f.clone().into();
            }
            message
        };
        let messages: Vec<serde_json::Value> = if self.details.is_empty() {
            vec![entry(&self.message, self.field.as_ref())]
        } else {
            self.details.iter().map(|(text, field)| entry(text, field.as_ref())).collect()
        };
        serde_json::json!({
            "errorCode": self.code,
            "errorType": self.error_type,
            "level": "ERROR",
            "messages": messages,
        })
    }
}

impl From<OinoneError> for async_graphql::Error {
    fn from(e: OinoneError) -> async_graphql::Error {
        let ext = e.extensions();
        async_graphql::Error::new(e.message.clone()).extend_with(|_, x| {
            if let serde_json::Value::Object(map) = ext {
                for (k, v) in map {
                    x.set(k, Value::from_json(v).unwrap_or(Value::Null));
                }
            }
        })
    }
}

/// A whole-request failure (not logged in, unknown module, a body that is not a request): HTTP
/// 200 with the error in the body, as Oinone answers.
pub fn request_error(e: &OinoneError) -> serde_json::Value {
    serde_json::json!({
        "data": null,
        "errors": [{"message": e.message, "extensions": e.extensions()}],
        "extensions": {"success": false, "messages": []},
    })
}

/// Classifies a GraphQL validation or parse error that async-graphql raised without Oinone
/// extensions.
pub fn graphql_error_code(message: &str) -> u32 {
    if message.contains("Unknown field") {
        if message.contains("QueryType") || message.contains("MutationType") {
            GRAPHQL_FUNCTION_NOT_FOUND
        } else {
            GRAPHQL_FIELD_UNDEFINED
        }
    } else {
        GRAPHQL_SYSTEM
    }
}
