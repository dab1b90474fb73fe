//! The response envelope every `/api/v1` answer uses (seed 000, section 2).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::context;

/// `meta` of every envelope.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Meta {
    /// Milliseconds spent on the request so far, with microsecond precision.
    pub processing_time: f64,
    /// When the answer was made, ISO-8601 in UTC.
    pub timestamp: String,
    /// The request id, also in the `X-Request-Id` header and in every log line of the request.
    pub request_id: String,
    /// For query results: whether the answer came from the cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cached: Option<bool>,
    /// For query results: the datasource's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datasource: Option<String>,
}

impl Meta {
    /// Meta for the request being served (or a fresh id outside a request).
    pub fn now() -> Meta {
        let ctx = context::current();
        Meta {
            processing_time: ctx
                .as_ref()
                .map(|c| (c.started.elapsed().as_secs_f64() * 1e6).round() / 1e3)
                .unwrap_or(0.0),
            timestamp: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
            request_id: ctx.map(|c| c.id.to_string()).unwrap_or_else(|| context::request_id(None).to_string()),
            cached: None,
            datasource: None,
        }
    }
}

/// One problem with a request, as listed in `errors`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldErrorSchema {
    /// Where: a JSON path into the request (`roles[1]`), or `body`/`query`.
    pub path: String,
    /// A stable reason (`required`, `invalid`, `unknown`, `too_short`…).
    pub code: String,
    pub message: String,
}

/// The envelope: `status`, `code` (0 on success), `message`, `data`, optional `errors`, `meta`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// `success` or `error`.
    pub status: &'static str,
    /// 0 on success, otherwise a code from the catalogue (docs/errors.md).
    pub code: u32,
    pub message: String,
    pub data: Option<T>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<FieldErrorSchema>>)]
    pub errors: Option<Vec<errors::FieldError>>,
    pub meta: Meta,
}

/// A successful answer: an HTTP status, a message and the data.
pub struct Ok<T> {
    pub status: StatusCode,
    pub message: &'static str,
    pub data: T,
    /// `meta.cached` and `meta.datasource`, for query results.
    pub query_meta: Option<(bool, String)>,
}

/// 200 with `data`.
pub fn ok<T>(data: T) -> Ok<T> {
    Ok { status: StatusCode::OK, message: "ok", data, query_meta: None }
}

/// 201 with the created resource.
pub fn created<T>(data: T) -> Ok<T> {
    Ok { status: StatusCode::CREATED, message: "created", data, query_meta: None }
}

impl<T> Ok<T> {
    pub fn with_query_meta(mut self, cached: bool, datasource: String) -> Ok<T> {
        self.query_meta = Some((cached, datasource));
        self
    }

    pub fn with_message(mut self, message: &'static str) -> Ok<T> {
        self.message = message;
        self
    }
}

impl<T: Serialize> IntoResponse for Ok<T> {
    fn into_response(self) -> Response {
        let body = Envelope {
            status: "success",
            code: 0,
            message: self.message.to_owned(),
            data: Some(self.data),
            errors: None,
            meta: match self.query_meta {
                Some((cached, datasource)) => {
                    Meta { cached: Some(cached), datasource: Some(datasource), ..Meta::now() }
                }
                None => Meta::now(),
            },
        };
        (self.status, axum::Json(body)).into_response()
    }
}

/// A page of a list, in the seed's shape.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
    pub total_pages: i64,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>, total: i64, page: i64, page_size: i64) -> Page<T> {
        let total_pages = if page_size > 0 { (total + page_size - 1) / page_size } else { 0 };
        Page { items, total, page, page_size, total_pages }
    }
}
