//! `/api/v1/workflows`, `/api/v1/executions` and `/api/v1/hooks` (seed 000, section 2.4): thin
//! handlers over the workflow engine.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use errors::FieldError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::envelope::{Envelope, Ok, Page, created, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Require};
use crate::permissions::{WorkflowExecute, WorkflowRead, WorkflowWrite};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_workflows, create_workflow))
        .routes(routes!(validate_workflow))
        .routes(routes!(cron_preview))
        .routes(routes!(get_workflow, update_workflow, delete_workflow))
        .routes(routes!(versions))
        .routes(routes!(publish))
        .routes(routes!(unpublish))
        .routes(routes!(rotate_secret))
        .routes(routes!(execute_workflow))
        .routes(routes!(list_executions))
        .routes(routes!(get_execution))
        .routes(routes!(cancel))
        .routes(routes!(retry))
        .routes(routes!(hook))
}

/// How long a synchronous execute waits when the request sets no timeout; after that it
/// answers the execution's current state (still running) with its monitor URL.
const SYNC_WAIT: Duration = Duration::from_secs(300);

/// Datasources named by the definition's query nodes: saving needs `query:execute` on each,
/// since the workflow's queries run with its author's say-so.
async fn check_datasources(state: &AppState, principal: &auth::Principal, body: &Value) -> ApiResult<()> {
    let nodes = body.get("nodes").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let mut problems = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.get("type").and_then(Value::as_str) != Some("query") {
            continue;
        }
        let Some(id) = n.pointer("/config/datasourceId").and_then(Value::as_str) else { continue };
        let ds = match state.registry.get(id).await {
            Result::Ok(ds) => Some(ds),
            Err(registry::Error::NotFound) => state.registry.by_code(id).await.ok(),
            Err(e) => return Err(e.into()),
        };
        // An unknown datasource is reported by validation with the other problems.
        if let Some(ds) = ds
            && super::datasources::authorize(principal, &ds, "query:execute").is_err()
        {
            problems.push(FieldError::new(
                format!("nodes[{i}].config.datasourceId"),
                "forbidden",
                format!("you may not query datasource {id}"),
            ));
        }
    }
    if problems.is_empty() { Result::Ok(()) } else { Err(ApiError::validation(problems)) }
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct WorkflowParams {
    page: Option<i64>,
    page_size: Option<i64>,
    category: Option<String>,
    /// Matches the name or description.
    keyword: Option<String>,
    /// `draft` or `published`.
    status: Option<String>,
}

/// Workflows, newest first, filtered by category, keyword and status.
#[utoipa::path(get, path = "/api/v1/workflows", tag = "workflows", params(WorkflowParams),
    security(("bearer" = ["workflow:read"])), responses((status = 200, body = Envelope<Page<Object>>)))]
async fn list_workflows(
    State(state): State<AppState>,
    Require(..): Require<WorkflowRead>,
    ApiQuery(params): ApiQuery<WorkflowParams>,
) -> ApiResult<Ok<Page<engine::SavedWorkflow>>> {
    let (page, size, offset) =
        super::PageParams { page: params.page, page_size: params.page_size, keyword: None }.resolve()?;
    if let Some(s) = &params.status
        && !matches!(s.as_str(), "draft" | "published")
    {
        return Err(ApiError::validation(vec![FieldError::new("status", "invalid", "must be draft or published")]));
    }
    let filter = store::WorkflowFilter {
        category: params.category.filter(|c| !c.is_empty()),
        keyword: params.keyword.map(|k| k.trim().to_owned()).filter(|k| !k.is_empty()),
        status: params.status,
    };
    let found = state.engine.list(&filter, offset, size).await?;
    Result::Ok(ok(Page::new(found.items, found.total, page, size)))
}

/// Creates a workflow as a draft at version 1. The answer carries `signingSecret` once: it
/// verifies webhook calls (for triggers without their own secret) and signs callbacks.
#[utoipa::path(post, path = "/api/v1/workflows", tag = "workflows", request_body = Object,
    security(("bearer" = ["workflow:write"])),
    responses((status = 201, body = Envelope<Object>), (status = 400, description = "every problem of the definition, with its path")))]
async fn create_workflow(
    State(state): State<AppState>,
    Require(principal, ..): Require<WorkflowWrite>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Ok<engine::Created>> {
    check_datasources(&state, &principal, &body).await?;
    Result::Ok(created(state.engine.create(&body, Some(&principal.user_id)).await?))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ValidationView {
    valid: bool,
    #[schema(value_type = Vec<Object>)]
    errors: Vec<FieldError>,
}

/// Checks a definition without saving it: every problem with its path (for the designer).
#[utoipa::path(post, path = "/api/v1/workflows/validate", tag = "workflows", request_body = Object,
    security(("bearer" = ["workflow:write"])), responses((status = 200, body = Envelope<ValidationView>)))]
async fn validate_workflow(
    State(state): State<AppState>,
    Require(..): Require<WorkflowWrite>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Ok<ValidationView>> {
    match state.engine.validate(&body).await {
        Result::Ok(_) => Result::Ok(ok(ValidationView { valid: true, errors: Vec::new() })),
        Err(engine::Error::Invalid(problems)) => Result::Ok(ok(ValidationView {
            valid: false,
            errors: problems.into_iter().map(|p| FieldError::new(p.path, p.code, p.message)).collect(),
        })),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CronPreviewParams {
    /// A schedule trigger's cron expression, as in a definition.
    cron: Option<String>,
    /// An IANA time zone (default `UTC`).
    timezone: Option<String>,
    /// How many fire times, 1 to 50 (default 5).
    count: Option<usize>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CronPreview {
    cron: String,
    timezone: String,
    /// The next fire times after now, in UTC (RFC 3339).
    next: Vec<String>,
    /// The same times on the trigger's wall clock, with its UTC offset.
    next_local: Vec<String>,
}

/// The next fire times of a schedule trigger's cron expression and time zone, read exactly as a
/// saved definition's trigger is (same errors, with `cron` and `timezone` as paths).
#[utoipa::path(get, path = "/api/v1/workflows/cron-preview", tag = "workflows", params(CronPreviewParams),
    security(("bearer" = ["workflow:read"])),
    responses((status = 200, body = Envelope<CronPreview>), (status = 400, description = "every problem of the cron expression and time zone")))]
async fn cron_preview(
    Require(..): Require<WorkflowRead>,
    ApiQuery(params): ApiQuery<CronPreviewParams>,
) -> ApiResult<Ok<CronPreview>> {
    let count = params.count.unwrap_or(5);
    let mut config = serde_json::Map::new();
    if let Some(cron) = params.cron {
        config.insert("cron".into(), Value::String(cron));
    }
    if let Some(tz) = params.timezone.filter(|t| !t.is_empty()) {
        config.insert("timezone".into(), Value::String(tz));
    }
    let mut problems: Vec<FieldError> = Vec::new();
    if !(1..=50).contains(&count) {
        problems.push(FieldError::new("count", "out_of_range", "count must be between 1 and 50"));
    }
    let schedule = workflow::read_schedule(&Value::Object(config))
        .map_err(|found| found.into_iter().map(|p| FieldError::new(p.path, p.code, p.message)).collect::<Vec<_>>());
    let schedule = match schedule {
        Result::Ok(s) if problems.is_empty() => s,
        Result::Ok(_) => return Err(ApiError::validation(problems)),
        Err(found) => {
            problems.extend(found);
            return Err(ApiError::validation(problems));
        }
    };
    let next = schedule.upcoming(chrono::Utc::now(), count);
    let tz = schedule.timezone;
    Result::Ok(ok(CronPreview {
        cron: schedule.cron().to_owned(),
        timezone: tz.name().to_owned(),
        next: next.iter().map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)).collect(),
        next_local: next
            .iter()
            .map(|t| t.with_timezone(&tz).to_rfc3339_opts(chrono::SecondsFormat::Secs, false))
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParam {
    /// An older version to read (default: the latest).
    version: Option<i64>,
}

/// A workflow with its definition (secrets shown as `******`).
#[utoipa::path(get, path = "/api/v1/workflows/{id}", tag = "workflows", params(("id" = String, Path), VersionParam),
    security(("bearer" = ["workflow:read"])), responses((status = 200, body = Envelope<Object>), (status = 404)))]
async fn get_workflow(
    State(state): State<AppState>,
    Require(..): Require<WorkflowRead>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<VersionParam>,
) -> ApiResult<Ok<engine::SavedWorkflow>> {
    Result::Ok(ok(state.engine.get(&id, params.version).await?))
}

/// Saves a new version; running executions keep the version they started with. Secrets sent
/// back as `******` keep their stored values.
#[utoipa::path(put, path = "/api/v1/workflows/{id}", tag = "workflows", params(("id" = String, Path)),
    request_body = Object, security(("bearer" = ["workflow:write"])),
    responses((status = 200, body = Envelope<Object>), (status = 400), (status = 404), (status = 409)))]
async fn update_workflow(
    State(state): State<AppState>,
    Require(principal, ..): Require<WorkflowWrite>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Ok<engine::SavedWorkflow>> {
    check_datasources(&state, &principal, &body).await?;
    Result::Ok(ok(state.engine.update(&id, &body, Some(&principal.user_id)).await?))
}

/// Deletes a workflow with its versions and executions.
#[utoipa::path(delete, path = "/api/v1/workflows/{id}", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:write"])), responses((status = 200, body = Envelope<Option<String>>), (status = 404)))]
async fn delete_workflow(
    State(state): State<AppState>,
    Require(..): Require<WorkflowWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<Option<()>>> {
    state.engine.delete(&id).await?;
    Result::Ok(ok(None).with_message("deleted"))
}

/// The version history, newest first.
#[utoipa::path(get, path = "/api/v1/workflows/{id}/versions", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:read"])), responses((status = 200, body = Envelope<Vec<Object>>), (status = 404)))]
async fn versions(
    State(state): State<AppState>,
    Require(..): Require<WorkflowRead>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<Vec<engine::VersionSummary>>> {
    Result::Ok(ok(state.engine.versions(&id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// The version to publish (default: the latest).
    version: Option<i64>,
}

/// Publishes a version: its webhook and schedule triggers fire from now on.
#[utoipa::path(post, path = "/api/v1/workflows/{id}/publish", tag = "workflows", params(("id" = String, Path)),
    request_body = Option<PublishBody>, security(("bearer" = ["workflow:write"])),
    responses((status = 200, body = Envelope<Object>), (status = 404)))]
async fn publish(
    State(state): State<AppState>,
    Require(..): Require<WorkflowWrite>,
    ApiPath(id): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Ok<engine::SavedWorkflow>> {
    let body: PublishBody = if body.iter().all(u8::is_ascii_whitespace) {
        PublishBody::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::validation(vec![FieldError::new("body", "invalid", e.to_string())]))?
    };
    Result::Ok(ok(state.engine.publish(&id, body.version).await?))
}

/// Back to draft: triggers stop firing; manual runs still work.
#[utoipa::path(post, path = "/api/v1/workflows/{id}/unpublish", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:write"])), responses((status = 200, body = Envelope<Object>), (status = 404)))]
async fn unpublish(
    State(state): State<AppState>,
    Require(..): Require<WorkflowWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<engine::SavedWorkflow>> {
    Result::Ok(ok(state.engine.unpublish(&id).await?))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SecretView {
    signing_secret: String,
}

/// Replaces the workflow's signing secret; the new one is shown only in this answer.
#[utoipa::path(post, path = "/api/v1/workflows/{id}/signing-secret", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:write"])), responses((status = 200, body = Envelope<SecretView>), (status = 404)))]
async fn rotate_secret(
    State(state): State<AppState>,
    Require(..): Require<WorkflowWrite>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<SecretView>> {
    Result::Ok(ok(SecretView { signing_secret: state.engine.rotate_signing_secret(&id).await? }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// Values for the workflow's variables.
    #[schema(value_type = Option<Object>)]
    input: Option<Value>,
    /// `async`, `webhook` (callback URL), `timeout` (ms).
    #[schema(value_type = Option<Object>)]
    options: Option<Value>,
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AsyncStarted {
    execution_id: String,
    status: String,
    message: String,
    monitor_url: String,
}

/// Runs the workflow's latest version. Synchronous by default: answers the finished
/// execution (`output`, `logs`, `duration`…). With `options.async` answers at once with a
/// `monitorUrl`, and POSTs the result to `options.webhook` when given.
#[utoipa::path(post, path = "/api/v1/workflows/{id}/execute", tag = "workflows", params(("id" = String, Path)),
    request_body = RunBody, security(("bearer" = ["workflow:execute"])),
    responses((status = 200, body = Envelope<Object>), (status = 400), (status = 404)))]
async fn execute_workflow(
    State(state): State<AppState>,
    Require(principal, ..): Require<WorkflowExecute>,
    ApiPath(id): ApiPath<String>,
    ApiJson(body): ApiJson<RunBody>,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let options: engine::ExecOptions = match body.options {
        None | Some(Value::Null) => engine::ExecOptions::default(),
        Some(v) => serde_json::from_value(v)
            .map_err(|e| ApiError::validation(vec![FieldError::new("options", "invalid", e.to_string())]))?,
    };
    let run_async = options.run_async;
    let wait = options.timeout.map_or(SYNC_WAIT, |t| Duration::from_millis(t) + Duration::from_secs(5));
    let started = state
        .engine
        .execute(&id, body.input.unwrap_or(Value::Null), options, Some(&principal.user_id), engine::TriggerKind::Manual)
        .await?;
    if run_async {
        return Result::Ok(
            ok(AsyncStarted {
                monitor_url: format!("/api/v1/executions/{}", started.execution_id),
                execution_id: started.execution_id,
                status: "running".into(),
                message: "工作流正在执行中 (the workflow is running)".into(),
            })
            .into_response(),
        );
    }
    let view = state.engine.wait(&started.execution_id, wait).await?;
    Result::Ok(ok(view).into_response())
}

#[derive(Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ExecutionParams {
    page: Option<i64>,
    page_size: Option<i64>,
    /// `queued`, `running`, `completed`, `failed` or `cancelled`.
    status: Option<String>,
}

/// A workflow's executions, newest first.
#[utoipa::path(get, path = "/api/v1/workflows/{id}/executions", tag = "workflows",
    params(("id" = String, Path), ExecutionParams), security(("bearer" = ["workflow:read"])),
    responses((status = 200, body = Envelope<Page<Object>>), (status = 404)))]
async fn list_executions(
    State(state): State<AppState>,
    Require(..): Require<WorkflowRead>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<ExecutionParams>,
) -> ApiResult<Ok<Page<engine::ExecutionView>>> {
    let (page, size, offset) =
        super::PageParams { page: params.page, page_size: params.page_size, keyword: None }.resolve()?;
    if let Some(s) = &params.status
        && !matches!(s.as_str(), "queued" | "running" | "completed" | "failed" | "cancelled")
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "status",
            "invalid",
            "must be queued, running, completed, failed or cancelled",
        )]));
    }
    let (items, total) = state.engine.executions(&id, params.status.as_deref(), offset, size).await?;
    Result::Ok(ok(Page::new(items, total, page, size)))
}

/// An execution: status, each node's state (input, output, attempts, error, timing) and logs.
#[utoipa::path(get, path = "/api/v1/executions/{id}", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:read"])), responses((status = 200, body = Envelope<Object>), (status = 404)))]
async fn get_execution(
    State(state): State<AppState>,
    Require(..): Require<WorkflowRead>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<engine::ExecutionView>> {
    Result::Ok(ok(state.engine.execution(&id).await?))
}

/// Cancels an execution: a queued one at once, a running one as soon as its instance sees it.
#[utoipa::path(post, path = "/api/v1/executions/{id}/cancel", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:execute"])),
    responses((status = 200, body = Envelope<Object>), (status = 404), (status = 409, description = "already ended")))]
async fn cancel(
    State(state): State<AppState>,
    Require(..): Require<WorkflowExecute>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<engine::ExecutionView>> {
    state.engine.cancel(&id).await?;
    // A running execution stops within moments; answer once it has, or its state meanwhile.
    Result::Ok(ok(state.engine.wait(&id, Duration::from_secs(5)).await?))
}

/// Runs a failed or cancelled execution again from the nodes that did not succeed, keeping
/// the outputs of those that did.
#[utoipa::path(post, path = "/api/v1/executions/{id}/retry", tag = "workflows", params(("id" = String, Path)),
    security(("bearer" = ["workflow:execute"])),
    responses((status = 200, body = Envelope<Object>), (status = 404), (status = 409, description = "not failed or cancelled")))]
async fn retry(
    State(state): State<AppState>,
    Require(..): Require<WorkflowExecute>,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Ok<engine::Started>> {
    Result::Ok(ok(state.engine.retry(&id).await?))
}

/// Starts the published version of the workflow whose webhook trigger listens here, with the
/// JSON body as input. Authenticated by signature, not by token: `X-Quarry-Timestamp` (Unix
/// seconds) and `X-Quarry-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.
#[utoipa::path(post, path = "/api/v1/hooks/{hook}", tag = "workflows", params(("hook" = String, Path)),
    request_body = Object,
    responses((status = 202, body = Envelope<AsyncStarted>), (status = 401, description = "bad, stale or replayed signature"), (status = 404)))]
async fn hook(
    State(state): State<AppState>,
    ApiPath(hook): ApiPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::response::Response> {
    use axum::response::IntoResponse;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let started = state
        .engine
        .webhook(engine::WebhookCall {
            hook: &hook,
            timestamp: header("x-quarry-timestamp"),
            signature: header("x-quarry-signature"),
            body: &body,
        })
        .await?;
    let answer = ok(AsyncStarted {
        monitor_url: format!("/api/v1/executions/{}", started.execution_id),
        execution_id: started.execution_id,
        status: "running".into(),
        message: "工作流正在执行中 (the workflow is running)".into(),
    });
    Result::Ok((axum::http::StatusCode::ACCEPTED, answer).into_response())
}
