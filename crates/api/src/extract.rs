//! Quarry's extractors: JSON, query string and path parameters whose rejections use the envelope,
//! and the authenticated principal with the permission an endpoint requires.

use std::marker::PhantomData;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use errors::{ErrorCode, FieldError};
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::error::ApiError;
use crate::permissions::Perm;

/// A JSON body; malformed, mistyped, oversize or non-JSON bodies get an envelope error.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    if rejection.status().as_u16() == 413 {
        return ApiError::new(ErrorCode::PAYLOAD_TOO_LARGE, "the request body is too large");
    }
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::new(ErrorCode::UNSUPPORTED_MEDIA_TYPE, "expected a body with Content-Type: application/json")
        }
        JsonRejection::JsonDataError(e) => malformed("the JSON body does not fit", "invalid", &e, e.body_text()),
        JsonRejection::JsonSyntaxError(e) => malformed("the body is not valid JSON", "syntax", &e, e.body_text()),
        other => ApiError::new(ErrorCode::MALFORMED_JSON, other.body_text()),
    }
}

/// A MALFORMED_JSON error naming the underlying serde error (with its path, line and column).
fn malformed(what: &str, reason: &'static str, e: &dyn std::error::Error, fallback: String) -> ApiError {
    let detail = e.source().map(ToString::to_string).unwrap_or(fallback);
    ApiError::new(ErrorCode::MALFORMED_JSON, format!("{what}: {detail}"))
        .with_errors(vec![FieldError::new("body", reason, detail)])
}

/// Query-string parameters.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(q) => Ok(ApiQuery(q.0)),
            Err(e @ QueryRejection::FailedToDeserializeQueryString(_)) => {
                let detail = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_else(|| e.body_text());
                Err(ApiError::new(ErrorCode::BAD_PARAMETER, format!("bad query string: {detail}"))
                    .with_errors(vec![FieldError::new("query", "invalid", detail)]))
            }
            Err(e) => Err(ApiError::new(ErrorCode::BAD_PARAMETER, e.body_text())),
        }
    }
}

/// Path parameters.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|e: PathRejection| ApiError::new(ErrorCode::BAD_PARAMETER, e.body_text()))
    }
}

/// The bearer token of a request, if it has one.
pub fn bearer(parts: &Parts) -> Option<&str> {
    bearer_header(&parts.headers)
}

/// The bearer token in `Authorization` headers, if there is one.
pub fn bearer_header(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

/// The authenticated caller; answers 401 without a valid, live access token.
pub struct Authenticated(pub auth::Principal);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(p) = parts.extensions.get::<auth::Principal>() {
            return Ok(Authenticated(p.clone()));
        }
        // Claims the rate limiter already verified for this very request.
        if let Some(claims) = parts.extensions.get::<auth::AccessClaims>().cloned() {
            let principal = state.auth.authenticate_claims(&claims).await?;
            parts.extensions.insert(principal.clone());
            return Ok(Authenticated(principal));
        }
        let Some(token) = bearer(parts) else {
            return Err(ApiError::new(
                ErrorCode::UNAUTHENTICATED,
                "authentication required: send Authorization: Bearer <token>",
            ));
        };
        let principal = state.auth.authenticate(token).await?;
        parts.extensions.insert(principal.clone());
        Ok(Authenticated(principal))
    }
}

/// The authenticated caller holding permission `P`; answers 401 or 403 otherwise.
pub struct Require<P: Perm>(pub auth::Principal, pub PhantomData<P>);

impl<P: Perm> FromRequestParts<AppState> for Require<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Authenticated(principal) = Authenticated::from_request_parts(parts, state).await?;
        // Scoped grants (`datasource:read:demo`) pass here; handlers check the object itself.
        if !principal.permissions.allows_somewhere(P::NAME) {
            return Err(ApiError::new(ErrorCode::FORBIDDEN, format!("permission {:?} required", P::NAME)));
        }
        Ok(Require(principal, PhantomData))
    }
}
