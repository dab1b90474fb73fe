//! `ApiError`: every failure an endpoint answers with, rendered as the error envelope.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use errors::{ErrorCode, FieldError};

use crate::envelope::{Envelope, Meta};

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    pub errors: Vec<FieldError>,
    /// Seconds for the `Retry-After` header (429, 503).
    pub retry_after: Option<u64>,
    /// Data that still helps the client (the health report when the store is down).
    pub data: Option<Box<serde_json::Value>>,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError { code, message: message.into(), errors: Vec::new(), retry_after: None, data: None }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> ApiError {
        self.errors = errors;
        self
    }

    pub fn validation(errors: Vec<FieldError>) -> ApiError {
        let message = match errors.as_slice() {
            [one] => format!("{}: {}", one.path, one.message),
            many => format!("{} problems in the request", many.len()),
        };
        ApiError::new(ErrorCode::VALIDATION_FAILED, message).with_errors(errors)
    }

    pub fn not_found(what: &str) -> ApiError {
        ApiError::new(ErrorCode::NOT_FOUND, format!("{what} not found"))
    }

    /// An internal failure: logged here with its cause, answered with only the request id.
    pub fn internal(cause: &dyn std::error::Error) -> ApiError {
        let mut chain = cause.to_string();
        let mut source = cause.source();
        while let Some(s) = source {
            chain.push_str(": ");
            chain.push_str(&s.to_string());
            source = s.source();
        }
        tracing::error!(error = %chain, "internal error");
        ApiError::new(ErrorCode::INTERNAL, "internal error")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let meta = Meta::now();
        let message = if self.code == ErrorCode::INTERNAL {
            format!("internal error; quote request id {} when reporting it", meta.request_id)
        } else {
            self.message
        };
        let body = Envelope {
            status: "error",
            code: self.code.number(),
            message,
            data: self.data,
            errors: (!self.errors.is_empty()).then_some(self.errors),
            meta,
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

impl From<auth::Error> for ApiError {
    fn from(e: auth::Error) -> ApiError {
        use auth::Error as E;
        match e {
            E::InvalidCredentials => ApiError::new(ErrorCode::INVALID_CREDENTIALS, e.to_string()),
            E::Throttled { retry_after_secs } => ApiError {
                retry_after: Some(retry_after_secs),
                ..ApiError::new(ErrorCode::LOGIN_THROTTLED, e.to_string())
            },
            E::TokenExpired => ApiError::new(ErrorCode::TOKEN_EXPIRED, e.to_string()),
            E::TokenInvalid => ApiError::new(ErrorCode::TOKEN_INVALID, e.to_string()),
            E::TokenRevoked => ApiError::new(ErrorCode::TOKEN_REVOKED, e.to_string()),
            E::RefreshReused => ApiError::new(ErrorCode::REFRESH_TOKEN_REUSED, e.to_string()),
            E::AccountDisabled => ApiError::new(ErrorCode::ACCOUNT_DISABLED, e.to_string()),
            E::Validation(errors) => ApiError::validation(errors),
            E::NotFound(what) => ApiError::not_found(what),
            E::NotAllowed(why) => ApiError::new(ErrorCode::OPERATION_NOT_ALLOWED, why),
            E::Store(e) => e.into(),
            E::SharedStore(e) => ApiError::internal(&*e),
            E::Hashing(_) => ApiError::internal(&e),
        }
    }
}

impl From<store::Error> for ApiError {
    fn from(e: store::Error) -> ApiError {
        match e {
            store::Error::Conflict(what) => ApiError::new(ErrorCode::CONFLICT, format!("{what} already exists")),
            store::Error::InUse(why) => ApiError::new(ErrorCode::CONFLICT, why),
            other => ApiError::internal(&other),
        }
    }
}

impl From<registry::Error> for ApiError {
    fn from(e: registry::Error) -> ApiError {
        use registry::Error as E;
        match e {
            E::Validation(errors) => ApiError::validation(errors),
            E::NotFound => ApiError::not_found("datasource"),
            E::Unreachable(report) => ApiError {
                data: serde_json::to_value(&report).ok().map(Box::new),
                ..ApiError::new(
                    ErrorCode::DATASOURCE_UNREACHABLE,
                    format!(
                        "cannot connect ({:?}): {}; nothing was saved",
                        report.stage.unwrap_or(datasource::Stage::Server),
                        report.message
                    ),
                )
            },
            E::Unavailable(err) => ApiError {
                data: serde_json::to_value(&err).ok().map(Box::new),
                retry_after: Some(5),
                ..ApiError::new(
                    ErrorCode::DATASOURCE_UNAVAILABLE,
                    format!("the datasource is unavailable: {}", err.message),
                )
            },
            E::Store(e) => e.into(),
            E::Secret(e) => ApiError::internal(&e),
        }
    }
}

impl From<engine::Error> for ApiError {
    fn from(e: engine::Error) -> ApiError {
        use engine::Error as E;
        match e {
            E::NotFound(what) => ApiError::not_found(what),
            E::Invalid(problems) => {
                ApiError::validation(problems.into_iter().map(|p| FieldError::new(p.path, p.code, p.message)).collect())
            }
            E::Input(problems) => ApiError::validation(
                problems.into_iter().map(|(path, message)| FieldError::new(path, "invalid", message)).collect(),
            ),
            E::State(why) => ApiError::new(ErrorCode::OPERATION_NOT_ALLOWED, why),
            E::Conflict => ApiError::new(ErrorCode::CONFLICT, e.to_string()),
            E::Unauthorized(why) => ApiError::new(ErrorCode::WEBHOOK_REFUSED, why),
            E::Store(e) => e.into(),
            E::Registry(e) => e.into(),
            E::Crypto(_) | E::Corrupt(_) => ApiError::internal(&e),
        }
    }
}
