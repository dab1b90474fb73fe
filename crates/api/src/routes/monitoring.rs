//! Monitoring endpoints (seed 000, section 2.5): `GET /metrics` (Prometheus), metric history
//! from the persisted rollups, alert rules and their history, and realtime tickets.

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use errors::{ErrorCode, FieldError};
use serde::{Deserialize, Serialize};
use store::{AlertEventRow, AlertRuleRow};
use subtle::ConstantTimeEq;
use telemetry::rollup::{DERIVED, derived};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::envelope::{Envelope, Ok, Page, created, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, Require, bearer_header};
use crate::permissions::{AlertsWrite, MetricsRead};
use crate::realtime::{TICKET_TTL, issue_ticket};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ws_ticket))
        .routes(routes!(metric_history))
        .routes(routes!(list_rules, create_rule))
        .routes(routes!(alert_events))
        .routes(routes!(get_rule, update_rule, delete_rule))
}

/// `GET /metrics`: the Prometheus text format, for the configured scrape token
/// (`QUARRY_METRICS_TOKEN`) or a user holding `metrics:read` (checked by the same extractor as
/// every other endpoint).
pub(crate) async fn prometheus(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let (mut parts, _) = request.into_parts();
    let by_scrape_token = match (&state.settings.realtime.metrics_token, bearer_header(&parts.headers)) {
        (Some(expected), Some(given)) => bool::from(expected.as_bytes().ct_eq(given.as_bytes())),
        _ => false,
    };
    if !by_scrape_token
        && let Err(e) =
            <Require<MetricsRead> as axum::extract::FromRequestParts<AppState>>::from_request_parts(&mut parts, &state)
                .await
    {
        return e.into_response();
    }
    let body = telemetry::render(&telemetry::metrics().snapshot());
    let mut response = body.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    response
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Use once, within `expiresIn` seconds: `/ws?ticket=…`, `/ws/metrics?ticket=…` or
    /// `/api/v1/events?ticket=…`.
    ticket: String,
    expires_in: u64,
}

/// Issues a single-use ticket for opening a WebSocket or SSE connection without putting the
/// access token in the URL.
#[utoipa::path(post, path = "/api/v1/auth/ws-ticket", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Envelope<Ticket>)))]
async fn ws_ticket(State(state): State<AppState>, Authenticated(principal): Authenticated) -> ApiResult<Ok<Ticket>> {
    let ticket = issue_ticket(&state, &principal).await?;
    Result::Ok(ok(Ticket { ticket, expires_in: TICKET_TTL.as_secs() }))
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// RFC 3339 start (inclusive).
    from: Option<String>,
    /// RFC 3339 end (exclusive).
    to: Option<String>,
    /// Bucket width: `1m`, `5m`, `15m`, `30m`, `1h`, `6h`, `12h`, `1d` or `7d`.
    interval: Option<String>,
    /// Comma-separated series names (default: query.count, query.avgDuration,
    /// api.request.count, workflow.execution.count).
    names: Option<String>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DataPoint {
    timestamp: String,
    /// `null` where the series is undefined in the bucket (an average of nothing).
    #[schema(value_type = Option<f64>)]
    value: Option<serde_json::Value>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Series {
    name: String,
    data_points: Vec<DataPoint>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct History {
    from: String,
    to: String,
    interval: String,
    series: Vec<Series>,
}

const DEFAULT_SERIES: &[&str] = &["query.count", "query.avgDuration", "api.request.count", "workflow.execution.count"];
/// The most buckets one answer holds.
const MAX_BUCKETS: i64 = 5000;

fn interval_seconds(s: &str) -> Option<i64> {
    Some(match s {
        "1m" => 60,
        "5m" => 300,
        "15m" => 900,
        "30m" => 1800,
        "1h" => 3600,
        "6h" => 21_600,
        "12h" => 43_200,
        "1d" => 86_400,
        "7d" => 604_800,
        _ => return None,
    })
}

fn parse_time(field: &str, value: Option<&str>, problems: &mut Vec<FieldError>) -> Option<DateTime<Utc>> {
    let Some(v) = value else {
        problems.push(FieldError::new(field, "required", "an RFC 3339 time such as 2024-01-01T00:00:00Z"));
        return None;
    };
    match DateTime::parse_from_rfc3339(v) {
        Result::Ok(t) => Some(t.to_utc()),
        Err(_) => {
            problems.push(FieldError::new(field, "invalid", "must be an RFC 3339 time such as 2024-01-01T00:00:00Z"));
            None
        }
    }
}

/// Metric history from the per-minute rollups of every instance, in buckets of `interval`
/// aligned to the interval from the Unix epoch; buckets without data are present with 0 (or
/// `null` for averages).
#[utoipa::path(get, path = "/api/v1/metrics/query/history", tag = "monitoring", params(HistoryParams),
    security(("bearer" = ["metrics:read"])), responses((status = 200, body = Envelope<History>), (status = 400)))]
async fn metric_history(
    State(state): State<AppState>,
    Require(..): Require<MetricsRead>,
    ApiQuery(params): ApiQuery<HistoryParams>,
) -> ApiResult<Ok<History>> {
    let mut problems = Vec::new();
    let from = parse_time("from", params.from.as_deref(), &mut problems);
    let to = parse_time("to", params.to.as_deref(), &mut problems);
    let interval = params.interval.as_deref().unwrap_or("1h");
    let step = interval_seconds(interval);
    if step.is_none() {
        problems.push(FieldError::new("interval", "invalid", "must be one of 1m, 5m, 15m, 30m, 1h, 6h, 12h, 1d, 7d"));
    }
    let names: Vec<String> = match params.names.as_deref() {
        Some(list) => list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect(),
        None => DEFAULT_SERIES.iter().map(|s| (*s).to_owned()).collect(),
    };
    for n in &names {
        if derived(n).is_none() {
            let known: Vec<&str> = DERIVED.iter().map(|d| d.name).collect();
            problems.push(FieldError::new(
                "names",
                "unknown",
                format!("unknown series {n:?}; known: {}", known.join(", ")),
            ));
        }
    }
    if let (Some(f), Some(t)) = (from, to)
        && f >= t
    {
        problems.push(FieldError::new("to", "out_of_range", "must be after from"));
    }
    let (Some(from), Some(to), Some(step)) = (from, to, step) else {
        return Err(ApiError::validation(problems));
    };
    // Buckets are aligned to the interval, so the same question always gets the same buckets.
    let start = from.timestamp().div_euclid(step) * step;
    let end = to.timestamp();
    let buckets = (end - start + step - 1) / step;
    if buckets > MAX_BUCKETS {
        problems.push(FieldError::new(
            "interval",
            "too_many_buckets",
            format!("{buckets} buckets requested, at most {MAX_BUCKETS}: choose a wider interval or a shorter range"),
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let rows = state.store.rollup_buckets(start, end, step).await?;
    let mut totals = vec![telemetry::Totals::default(); usize::try_from(buckets).unwrap_or(0)];
    for r in rows {
        if let Some(slot) = usize::try_from(r.index).ok().and_then(|i| totals.get_mut(i)) {
            *slot = r.totals;
        }
    }
    let stamp = |i: usize| {
        DateTime::from_timestamp(start + i as i64 * step, 0).map(crate::realtime::hub::timestamp).unwrap_or_default()
    };
    let series = names
        .iter()
        .filter_map(|n| derived(n))
        .map(|d| Series {
            name: d.name.to_owned(),
            data_points: totals
                .iter()
                .enumerate()
                .map(|(i, t)| DataPoint { timestamp: stamp(i), value: d.value(t, step as f64).map(number) })
                .collect(),
        })
        .collect();
    Result::Ok(ok(History {
        from: crate::realtime::hub::timestamp(from),
        to: crate::realtime::hub::timestamp(to),
        interval: interval.to_owned(),
        series,
    }))
}

/// Whole numbers as JSON integers (counts read `100`, not `100.0`), others rounded to 3 places.
fn number(v: f64) -> serde_json::Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        serde_json::Value::from(v as i64)
    } else {
        serde_json::Value::from((v * 1000.0).round() / 1000.0)
    }
}

/// Metrics alert rules may watch besides the rollup series: this instance's live gauges.
pub(crate) const GAUGES: &[&str] = &["system.cpu.usage", "system.memory.usage", "process.rss"];
const COMPARISONS: &[&str] = &[">", ">=", "<", "<=", "==", "!="];
const SEVERITIES: &[&str] = &["info", "warning", "critical"];

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RuleInput {
    name: Option<String>,
    description: Option<String>,
    /// A history series (such as `api.error.rate`, in %) or a live gauge (`system.cpu.usage`).
    metric: Option<String>,
    /// `>`, `>=`, `<`, `<=`, `==` or `!=`.
    comparison: Option<String>,
    threshold: Option<f64>,
    /// The span the metric is computed over, in minutes (1–1440, default 5).
    window_minutes: Option<i64>,
    /// `info`, `warning` (default) or `critical`.
    severity: Option<String>,
    enabled: Option<bool>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RuleView {
    id: String,
    name: String,
    description: Option<String>,
    metric: String,
    comparison: String,
    threshold: f64,
    window_minutes: i64,
    severity: String,
    enabled: bool,
    /// `ok` or `firing`.
    state: String,
    last_value: Option<f64>,
    evaluated_at: Option<DateTime<Utc>>,
    changed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl From<AlertRuleRow> for RuleView {
    fn from(r: AlertRuleRow) -> Self {
        RuleView {
            id: r.id,
            name: r.name,
            description: r.description,
            metric: r.metric,
            comparison: r.comparison,
            threshold: r.threshold,
            window_minutes: r.window_minutes,
            severity: r.severity,
            enabled: r.enabled,
            state: r.state,
            last_value: r.last_value,
            evaluated_at: r.evaluated_at,
            changed_at: r.changed_at,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A rule row from input, with every problem listed.
fn rule_row(input: RuleInput, id: String, user: &str) -> ApiResult<AlertRuleRow> {
    let mut problems = Vec::new();
    let name = input.name.map(|n| n.trim().to_owned()).unwrap_or_default();
    if name.is_empty() || name.chars().count() > 100 {
        problems.push(FieldError::new("name", "invalid", "1 to 100 characters"));
    }
    if input.description.as_ref().is_some_and(|d| d.chars().count() > 1000) {
        problems.push(FieldError::new("description", "too_long", "at most 1000 characters"));
    }
    let metric = input.metric.unwrap_or_default();
    if derived(&metric).is_none() && !GAUGES.contains(&metric.as_str()) {
        let mut known: Vec<&str> = DERIVED.iter().map(|d| d.name).collect();
        known.extend_from_slice(GAUGES);
        let hint = query::closest(&metric, known.iter().copied())
            .map(|c| format!(" (did you mean {c:?}?)"))
            .unwrap_or_default();
        problems.push(FieldError::new(
            "metric",
            "unknown",
            format!("unknown metric {metric:?}{hint}; known: {}", known.join(", ")),
        ));
    }
    let comparison = input.comparison.unwrap_or_default();
    if !COMPARISONS.contains(&comparison.as_str()) {
        problems.push(FieldError::new("comparison", "invalid", "one of >, >=, <, <=, ==, !="));
    }
    let threshold = input.threshold.unwrap_or(f64::NAN);
    if !threshold.is_finite() {
        problems.push(FieldError::new("threshold", "required", "a finite number"));
    }
    let window = input.window_minutes.unwrap_or(5);
    if !(1..=1440).contains(&window) {
        problems.push(FieldError::new("windowMinutes", "out_of_range", "1 to 1440"));
    }
    let severity = input.severity.unwrap_or_else(|| "warning".into());
    if !SEVERITIES.contains(&severity.as_str()) {
        problems.push(FieldError::new("severity", "invalid", "info, warning or critical"));
    }
    if !problems.is_empty() {
        return Err(ApiError::validation(problems));
    }
    let now = store::now_micros();
    Result::Ok(AlertRuleRow {
        id,
        name,
        description: input.description.filter(|d| !d.trim().is_empty()),
        metric,
        comparison,
        threshold,
        window_minutes: window,
        severity,
        enabled: input.enabled.unwrap_or(true),
        state: "ok".into(),
        last_value: None,
        evaluated_at: None,
        changed_at: None,
        created_by: Some(user.to_owned()),
        created_at: now,
        updated_at: now,
    })
}

/// Every alert rule with its state.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "monitoring", security(("bearer" = ["metrics:read"])),
    responses((status = 200, body = Envelope<Vec<RuleView>>)))]
async fn list_rules(State(state): State<AppState>, Require(..): Require<MetricsRead>) -> ApiResult<Ok<Vec<RuleView>>> {
    Result::Ok(ok(state.store.alert_rules().await?.into_iter().map(RuleView::from).collect()))
}

/// Creates an alert rule, e.g. `{"name": "errors", "metric": "api.error.rate", "comparison": ">",
/// "threshold": 5, "windowMinutes": 5}`.
#[utoipa::path(post, path = "/api/v1/alerts", tag = "monitoring", request_body = RuleInput,
    security(("bearer" = ["alerts:write"])), responses((status = 201, body = Envelope<RuleView>), (status = 400)))]
async fn create_rule(
    State(state): State<AppState>,
    Require(principal, ..): Require<AlertsWrite>,
    ApiJson(input): ApiJson<RuleInput>,
) -> ApiResult<Ok<RuleView>> {
    let row = rule_row(input, store::new_id("alert"), &principal.user_id)?;
    state.store.insert_alert_rule(&row).await?;
    Result::Ok(created(row.into()))
}

async fn find_rule(state: &AppState, id: &str) -> ApiResult<AlertRuleRow> {
    state.store.alert_rule(id).await?.ok_or_else(|| ApiError::new(ErrorCode::NOT_FOUND, "no such alert rule"))
}

/// One alert rule.
#[utoipa::path(get, path = "/api/v1/alerts/{id}", tag = "monitoring", params(("id" = String, Path)),
    security(("bearer" = ["metrics:read"])), responses((status = 200, body = Envelope<RuleView>), (status = 404)))]
async fn get_rule(
    State(state): State<AppState>,
    Require(..): Require<MetricsRead>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<RuleView>> {
    Result::Ok(ok(find_rule(&state, &id).await?.into()))
}

/// Replaces an alert rule; it starts again from `ok`.
#[utoipa::path(put, path = "/api/v1/alerts/{id}", tag = "monitoring", params(("id" = String, Path)), request_body = RuleInput,
    security(("bearer" = ["alerts:write"])), responses((status = 200, body = Envelope<RuleView>), (status = 400), (status = 404)))]
async fn update_rule(
    State(state): State<AppState>,
    Require(principal, ..): Require<AlertsWrite>,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<RuleInput>,
) -> ApiResult<Ok<RuleView>> {
    let existing = find_rule(&state, &id).await?;
    let row = rule_row(input, id, &principal.user_id)?;
    if !state.store.update_alert_rule(&row).await? {
        return Err(ApiError::new(ErrorCode::NOT_FOUND, "no such alert rule"));
    }
    // The stored rule is now `row` (the update resets state, value and evaluation time) with
    // the author, creation and last change it had.
    let saved = AlertRuleRow {
        created_by: existing.created_by,
        created_at: existing.created_at,
        changed_at: existing.changed_at,
        ..row
    };
    Result::Ok(ok(saved.into()))
}

/// Deletes an alert rule and its history.
#[utoipa::path(delete, path = "/api/v1/alerts/{id}", tag = "monitoring", params(("id" = String, Path)),
    security(("bearer" = ["alerts:write"])), responses((status = 200, body = Envelope<Option<String>>), (status = 404)))]
async fn delete_rule(
    State(state): State<AppState>,
    Require(..): Require<AlertsWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<Option<()>>> {
    if !state.store.delete_alert_rule(&id).await? {
        return Err(ApiError::new(ErrorCode::NOT_FOUND, "no such alert rule"));
    }
    Result::Ok(ok(None).with_message("deleted"))
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    rule_id: Option<String>,
    page: Option<i64>,
    page_size: Option<i64>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AlertEventView {
    id: String,
    rule_id: String,
    rule_name: String,
    /// `firing` or `resolved`.
    state: String,
    value: Option<f64>,
    threshold: f64,
    message: String,
    created_at: DateTime<Utc>,
}

impl From<AlertEventRow> for AlertEventView {
    fn from(e: AlertEventRow) -> Self {
        AlertEventView {
            id: e.id,
            rule_id: e.rule_id,
            rule_name: e.rule_name,
            state: e.state,
            value: e.value,
            threshold: e.threshold,
            message: e.message,
            created_at: e.created_at,
        }
    }
}

/// When rules fired and resolved, newest first.
#[utoipa::path(get, path = "/api/v1/alerts/events", tag = "monitoring", params(EventParams),
    security(("bearer" = ["metrics:read"])), responses((status = 200, body = Envelope<Page<AlertEventView>>)))]
async fn alert_events(
    State(state): State<AppState>,
    Require(..): Require<MetricsRead>,
    ApiQuery(params): ApiQuery<EventParams>,
) -> ApiResult<Ok<Page<AlertEventView>>> {
    let paging = super::PageParams { page: params.page, page_size: params.page_size, keyword: None };
    let (page, size, offset) = paging.resolve()?;
    let (items, total) = state.store.alert_events(params.rule_id.as_deref(), offset, size).await?;
    Result::Ok(ok(Page::new(items.into_iter().map(AlertEventView::from).collect(), total, page, size)))
}
