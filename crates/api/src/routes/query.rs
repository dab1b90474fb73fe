//! `/api/v1/query-builder/validate`, `/api/v1/query/execute` and `/api/v1/query/history`
//! (seed 000, sections 2.2.1 and 2.2.2).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use errors::{ErrorCode, FieldError};
use query::{CompiledQuery, Dialect, OutputColumn};
use registry::Datasource;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::sync::mpsc;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::PageParams;
use crate::AppState;
use crate::envelope::{Envelope, Ok, Page, ok};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, Require};
use crate::permissions::QueryExecute;
use crate::realtime::progress::QueryProgress;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(validate)).routes(routes!(execute_query)).routes(routes!(query_history))
}

/// Rows a table must have before index advice and scan warnings are worth giving.
const BIG_TABLE: i64 = 1_000;
const DEFAULT_TIMEOUT_MS: u64 = 30_000;

fn dialect(ds: &Datasource) -> Dialect {
    ds.kind.dialect()
}

fn diagnostics(diags: Vec<query::Diagnostic>) -> Vec<FieldError> {
    diags
        .into_iter()
        .map(|d| {
            let message = match &d.suggestion {
                Some(s) => format!("{} (did you mean {s:?}?)", d.message),
                None => d.message,
            };
            FieldError::new(d.path, "invalid", message)
        })
        .collect()
}

/// Picks the datasource: the one named, or the default; checks the caller may query it.
pub(crate) async fn datasource_for(
    state: &AppState,
    principal: &auth::Principal,
    id: Option<&str>,
) -> ApiResult<Datasource> {
    let ds = match id {
        Some(id) => match state.registry.get(id).await {
            Result::Ok(ds) => ds,
            Err(registry::Error::NotFound) => state.registry.by_code(id).await?,
            Err(e) => return Err(e.into()),
        },
        None => state.registry.default_datasource().await?.ok_or_else(|| {
            ApiError::validation(vec![FieldError::new("datasourceId", "required", "no default datasource; name one")])
        })?,
    };
    super::datasources::authorize(principal, &ds, "query:execute")?;
    Result::Ok(ds)
}

/// Parses, checks and compiles; the plan is kept for advice.
fn compile(
    dsl: &Value,
    catalog: &query::Catalog,
    dialect: Dialect,
) -> Result<(query::Plan, CompiledQuery), Vec<FieldError>> {
    let parsed = query::parse(dsl).map_err(diagnostics)?;
    let plan = query::resolve(&parsed, catalog).map_err(diagnostics)?;
    let compiled = query::compile(&plan, dialect).map_err(diagnostics)?;
    Result::Ok((plan, compiled))
}

/// Splits `datasourceId` off a query object.
fn take_datasource(dsl: &mut Value) -> Option<String> {
    dsl.as_object_mut().and_then(|m| m.remove("datasourceId")).and_then(|v| v.as_str().map(str::to_owned))
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Validation {
    valid: bool,
    /// The SQL with values shown inline, for reading (what runs binds them as parameters).
    sql: Option<String>,
    /// `mysql`, `postgres` or `sqlite`.
    #[schema(value_type = Option<String>)]
    dialect: Option<Dialect>,
    warnings: Vec<String>,
    /// Each piece of advice with the statement that would follow it.
    advice: Vec<Advice>,
    estimated_rows: Option<i64>,
    /// A rough estimate in milliseconds.
    estimated_time: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    errors: Vec<FieldError>,
}

#[derive(Serialize, ToSchema, Clone)]
#[serde(rename_all = "camelCase")]
pub struct Advice {
    /// `index`, `fullScan`, `noLimit` or `largeOffset`.
    kind: &'static str,
    message: String,
    table: Option<String>,
    column: Option<String>,
    /// A statement that would help, such as `CREATE INDEX …`.
    sql: Option<String>,
}

fn quote(dialect: Dialect, name: &str) -> String {
    match dialect {
        Dialect::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// Advice from the schema (unindexed filters, joins and sorts on big tables, paging) and from
/// the database's own plan (full scans), with a row estimate.
fn advise(
    plan: &query::Plan,
    catalog: &query::Catalog,
    dialect: Dialect,
    explain: &[String],
) -> (Vec<Advice>, Option<i64>) {
    let mut advice: Vec<Advice> = Vec::new();
    let big = |rows: Option<i64>| rows.is_none_or(|r| r >= BIG_TABLE);
    for u in plan.column_uses() {
        let Some(t) = catalog.table(&u.table) else { continue };
        if t.leads_index(&u.column) || !big(t.rows) {
            continue;
        }
        let index = format!("idx_{}_{}", u.table.to_lowercase(), u.column.to_lowercase())
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' })
            .collect::<String>();
        advice.push(Advice {
            kind: "index",
            message: format!(
                "建议在{}字段上添加索引以提高查询性能 (add an index on {}.{}: it is used to {} {} rows)",
                u.column,
                u.table,
                u.column,
                u.usage,
                t.rows.map(|r| r.to_string()).unwrap_or_else(|| "many".into())
            ),
            table: Some(u.table.clone()),
            column: Some(u.column.clone()),
            sql: Some(format!(
                "CREATE INDEX {} ON {} ({})",
                quote(dialect, &index),
                quote(dialect, &u.table),
                quote(dialect, &u.column)
            )),
        });
    }
    let root = &plan.tables[0];
    if plan.limit.is_none() && big(root.rows) && plan.group_by.is_empty() {
        advice.push(Advice {
            kind: "noLimit",
            message: format!(
                "no limit on {} ({} rows): add one, or export the result",
                root.name,
                root.rows.unwrap_or(0)
            ),
            table: Some(root.name.clone()),
            column: None,
            sql: None,
        });
    }
    if plan.offset.is_some_and(|o| o > 10_000) {
        advice.push(Advice {
            kind: "largeOffset",
            message: "a large offset reads and discards every skipped row; page by a sorted key instead".into(),
            table: Some(root.name.clone()),
            column: None,
            sql: None,
        });
    }
    // Full scans of big tables, as the database itself plans them.
    for t in &plan.tables {
        if !big(t.rows) {
            continue;
        }
        let scanned = explain.iter().any(|line| match dialect {
            Dialect::Postgres => {
                line.contains(&format!("Seq Scan on {}", t.name))
                    || line.contains(&format!("Seq Scan on \"{}\"", t.name))
            }
            Dialect::MySql => line.contains(&format!("table={}", t.alias)) && line.contains("type=ALL"),
            Dialect::Sqlite => {
                (line.starts_with(&format!("SCAN {}", t.alias)) || line.starts_with(&format!("SCAN {}", t.name)))
                    && !line.contains("USING")
            }
        });
        if scanned {
            advice.push(Advice {
                kind: "fullScan",
                message: format!("the database plans a full scan of {} ({} rows)", t.name, t.rows.unwrap_or(0)),
                table: Some(t.name.clone()),
                column: None,
                sql: None,
            });
        }
    }
    let estimate = match dialect {
        Dialect::Postgres => explain
            .first()
            .and_then(|l| l.split("rows=").nth(1))
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok()),
        Dialect::MySql => explain
            .first()
            .and_then(|l| l.split(" rows=").nth(1))
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok()),
        Dialect::Sqlite => root.rows,
    };
    let estimate = match (estimate, plan.limit) {
        (Some(e), Some(l)) => Some(e.min(l as i64)),
        (e, _) => e,
    };
    (advice, estimate)
}

/// Checks a query: `valid`, readable `sql`, `warnings` with index advice, estimates; or every error.
#[utoipa::path(post, path = "/api/v1/query-builder/validate", tag = "query", request_body = Object,
    security(("bearer" = ["query:execute"])), responses((status = 200, body = Envelope<Validation>)))]
async fn validate(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiJson(mut dsl): ApiJson<Value>,
) -> ApiResult<Ok<Validation>> {
    let id = take_datasource(&mut dsl);
    let ds = datasource_for(&state, &principal, id.as_deref()).await?;
    let catalog = state.registry.catalog(&ds).await?;
    let d = dialect(&ds);
    let (plan, compiled) = match compile(&dsl, &catalog, d) {
        Result::Ok(x) => x,
        Err(errors) => {
            return Result::Ok(ok(Validation {
                valid: false,
                sql: None,
                dialect: Some(d),
                warnings: Vec::new(),
                advice: Vec::new(),
                estimated_rows: None,
                estimated_time: None,
                errors,
            }));
        }
    };
    let pool = state.registry.pool(&ds).await?;
    let explain = match pool.explain(&compiled).await {
        Result::Ok(lines) => lines,
        Err(e) => {
            // A plan the database rejects is an error in the query, reported as such.
            return Result::Ok(ok(Validation {
                valid: false,
                sql: Some(compiled.display_sql),
                dialect: Some(d),
                warnings: Vec::new(),
                advice: Vec::new(),
                estimated_rows: None,
                estimated_time: None,
                errors: vec![FieldError::new("query", "database", e.to_string())],
            }));
        }
    };
    let (advice, estimated_rows) = advise(&plan, &catalog, d, &explain);
    let scanned: i64 = plan.tables.iter().map(|t| t.rows.unwrap_or(0)).max().unwrap_or(0);
    let full = advice.iter().any(|a| a.kind == "fullScan");
    let estimated_time = Some(if full { 1 + scanned / 20_000 } else { 1 + estimated_rows.unwrap_or(0) / 100_000 });
    Result::Ok(ok(Validation {
        valid: true,
        sql: Some(compiled.display_sql),
        dialect: Some(d),
        warnings: advice.iter().map(|a| a.message.clone()).collect(),
        advice,
        estimated_rows,
        estimated_time,
        errors: Vec::new(),
    }))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ExecuteOptions {
    /// Milliseconds (default 30000, at most 600000); enforced by the database and the server.
    timeout: Option<u64>,
    /// Stream NDJSON lines `{"data": {…}}` as rows arrive.
    stream: Option<bool>,
    /// `json` (default), `csv` or `excel` (an .xlsx download).
    format: Option<String>,
    /// `tables` (default: rows under each table's name, as in the seed) or `rows` (flat objects).
    shape: Option<String>,
    /// An id chosen by the client: the run's progress is sent as `query-progress` events on
    /// `GET /api/v1/events` (up to 100 characters).
    progress_id: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExecuteBody {
    /// The query DSL (docs/query-dsl.md).
    #[schema(value_type = Object)]
    query: Value,
    /// The datasource id or code (default: the default datasource).
    datasource_id: Option<String>,
    options: Option<ExecuteOptions>,
}

/// The Redis key for a cache key: a digest, so no user data reaches Redis key space.
fn redis_key(key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(key.as_bytes());
    format!("quarry:qc:{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}

/// `@cache`: the local cache, then Redis (when configured), then the database — with identical
/// concurrent requests on this instance running the query once.
async fn cached_answer(
    state: &AppState,
    key: &str,
    ttl: u64,
    timeout: Duration,
    fetch: impl Future<Output = Result<(Vec<Vec<Value>>, Option<i64>), datasource::ExecError>>,
) -> ApiResult<(Arc<Answer>, bool)> {
    if let Some(hit) = state.query_cache.get(key).await.filter(|a| a.expires > Instant::now()) {
        return Result::Ok((hit, true));
    }
    state.query_cache.invalidate(key).await;
    let shared_key = redis_key(key);
    if let Some(mut redis) = state.redis.clone() {
        let stored: Result<Option<Vec<u8>>, _> = redis::cmd("GET").arg(&shared_key).query_async(&mut redis).await;
        match stored {
            Result::Ok(Some(bytes)) => {
                if let Result::Ok((rows, total)) = serde_json::from_slice::<(Vec<Vec<Value>>, Option<i64>)>(&bytes) {
                    let answer = Arc::new(Answer { rows, total, expires: Instant::now() + Duration::from_secs(ttl) });
                    state.query_cache.insert(key.to_owned(), answer.clone()).await;
                    return Result::Ok((answer, true));
                }
            }
            Result::Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "query cache: Redis unavailable; using the local cache"),
        }
    }
    let computed = state
        .query_cache
        .try_get_with(key.to_owned(), async {
            let (rows, total) = fetch.await?;
            Result::Ok::<_, datasource::ExecError>(Arc::new(Answer {
                rows,
                total,
                expires: Instant::now() + Duration::from_secs(ttl),
            }))
        })
        .await;
    let answer = match computed {
        Result::Ok(a) => a,
        Err(e) => {
            let message = e.to_string();
            return Err(match Arc::try_unwrap(e) {
                Result::Ok(e) => exec_error(e, timeout),
                Err(_) => ApiError::new(ErrorCode::QUERY_FAILED, message),
            });
        }
    };
    if let Some(mut redis) = state.redis.clone()
        && let Result::Ok(bytes) = serde_json::to_vec(&(&answer.rows, answer.total))
    {
        let stored: Result<(), _> =
            redis::cmd("SET").arg(&shared_key).arg(bytes).arg("EX").arg(ttl).query_async(&mut redis).await;
        if let Err(e) = stored {
            tracing::warn!(error = %e, "query cache: could not store in Redis");
        }
    }
    Result::Ok((answer, false))
}

/// Starts the task that writes query history in batches (one transaction per batch).
pub(crate) fn history_writer(store: store::Store) -> mpsc::Sender<store::HistoryEntry> {
    let (tx, mut rx) = mpsc::channel::<store::HistoryEntry>(10_000);
    tokio::spawn(async move {
        let mut batch = Vec::with_capacity(1024);
        while rx.recv_many(&mut batch, 1024).await > 0 {
            // Gather a little longer: one transaction per fifth of a second, not per request.
            tokio::time::sleep(Duration::from_millis(200)).await;
            while batch.len() < 4096 {
                match rx.try_recv() {
                    Result::Ok(entry) => batch.push(entry),
                    Err(_) => break,
                }
            }
            if let Err(e) = store.add_history(&batch).await {
                tracing::warn!(error = %e, entries = batch.len(), "recording query history failed");
            }
            batch.clear();
        }
    });
    tx
}

/// The answer cached for `@cache`.
pub(crate) struct Answer {
    rows: Vec<Vec<Value>>,
    total: Option<i64>,
    expires: Instant,
}

pub(crate) type QueryCache = moka::future::Cache<String, Arc<Answer>>;

pub(crate) fn new_cache() -> QueryCache {
    moka::future::Cache::builder()
        .max_capacity(64 * 1024 * 1024)
        .weigher(|k: &String, v: &Arc<Answer>| {
            let cells: usize = v.rows.iter().map(|r| r.iter().map(|c| c.to_string().len() + 8).sum::<usize>()).sum();
            (k.len() + cells).min(u32::MAX as usize) as u32
        })
        .time_to_live(Duration::from_secs(86_400))
        .build()
}

/// One row as an object of its columns (only those of `table`, when given); serialised straight
/// from the fetched values, without copying them into a new JSON tree.
struct RowObject<'a> {
    columns: &'a [OutputColumn],
    row: &'a [Value],
    table: Option<&'a str>,
}

impl Serialize for RowObject<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        for (c, v) in self.columns.iter().zip(self.row) {
            if self.table.is_none_or(|t| t == c.table) {
                map.serialize_entry(&c.name, v)?;
            }
        }
        map.end()
    }
}

/// One NDJSON line of a stream: `{"data": {…}}`.
#[derive(Serialize)]
struct NdjsonLine<'a> {
    data: RowObject<'a>,
}

/// `{"User": […], "Profile": […], "total", "count"}` or `{"columns", "rows", "total", "count"}`.
struct Shaped<'a> {
    columns: &'a [OutputColumn],
    rows: &'a [Vec<Value>],
    total: Option<i64>,
    flat: bool,
}

impl<'a> Shaped<'a> {
    fn objects(&self, table: Option<&'a str>) -> Vec<RowObject<'a>> {
        self.rows.iter().map(|r| RowObject { columns: self.columns, row: r, table }).collect()
    }
}

impl Serialize for Shaped<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        if self.flat {
            map.serialize_entry("columns", &self.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>())?;
            map.serialize_entry("rows", &self.objects(None))?;
        } else {
            let mut tables: Vec<&str> = Vec::new();
            for c in self.columns {
                if !tables.contains(&c.table.as_str()) {
                    tables.push(&c.table);
                }
            }
            for t in tables {
                map.serialize_entry(t, &self.objects(Some(t)))?;
            }
        }
        if let Some(t) = self.total {
            map.serialize_entry("total", &t)?;
        }
        map.serialize_entry("count", &self.rows.len())?;
        map.end()
    }
}

pub(crate) fn exec_error(e: datasource::ExecError, timeout: Duration) -> ApiError {
    match e {
        datasource::ExecError::Timeout(_) => ApiError::new(
            ErrorCode::QUERY_TIMEOUT,
            format!("the query ran longer than {} ms and was cancelled", timeout.as_millis()),
        ),
        datasource::ExecError::Database(c) => {
            ApiError::new(ErrorCode::QUERY_FAILED, format!("the database refused the query: {}", c.message))
        }
        // The query builder only reads; a constraint error here is still the database refusing.
        datasource::ExecError::Constraint { message } => {
            ApiError::new(ErrorCode::QUERY_FAILED, format!("the database refused the query: {message}"))
        }
    }
}

/// Spreadsheet programs run cells starting with these as formulas; such cells get a leading `'`.
fn csv_cell(v: &Value) -> String {
    let mut text = match v {
        Value::Null => return String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !matches!(v, Value::Number(_)) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text }
}

fn csv_line(cells: impl Iterator<Item = String>) -> Bytes {
    let mut line = cells.collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    Bytes::from(line)
}

/// Streams rows as NDJSON or CSV; memory stays constant whatever the row count.
fn stream_response(
    pool: datasource::Pool,
    compiled: CompiledQuery,
    timeout: Duration,
    csv: bool,
    name: String,
    mut progress: QueryProgress,
) -> Response {
    let (row_tx, mut row_rx) = mpsc::channel::<Vec<Value>>(256);
    let (body_tx, body_rx) = mpsc::channel::<Result<Bytes, std::io::Error>>(16);
    let columns = compiled.columns.clone();
    tokio::spawn(async move {
        let run = pool.stream_rows(compiled.sql.clone(), compiled.params.clone(), timeout, row_tx);
        let mut sent = 0u64;
        let forward = async {
            if csv {
                let header = csv_line(columns.iter().map(|c| csv_cell(&Value::String(c.name.clone()))));
                if body_tx.send(Ok(header)).await.is_err() {
                    return;
                }
            }
            while let Some(row) = row_rx.recv().await {
                sent += 1;
                progress.rows(sent).await;
                let bytes = if csv {
                    csv_line(row.iter().map(csv_cell))
                } else {
                    let mut line = serde_json::to_vec(&NdjsonLine {
                        data: RowObject { columns: &columns, row: &row, table: None },
                    })
                    .unwrap_or_default();
                    line.push(b'\n');
                    Bytes::from(line)
                };
                if body_tx.send(Ok(bytes)).await.is_err() {
                    return;
                }
            }
        };
        let (outcome, ()) = tokio::join!(run, forward);
        if let Err(e) = outcome {
            // The status line is gone by now; the stream ends with the error instead.
            let message = exec_error(e, timeout).message;
            progress.finish(sent, Some(&message)).await;
            let tail = if csv {
                format!("# error: {message}\r\n")
            } else {
                format!("{}\n", serde_json::json!({"error": {"message": message}}))
            };
            let _ = body_tx.send(Ok(Bytes::from(tail))).await;
        } else {
            progress.finish(sent, None).await;
        }
    });
    let mut response = Response::new(Body::from_stream(super::channel_stream(body_rx)));
    let headers = response.headers_mut();
    if csv {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        let file = format!("attachment; filename=\"{name}.csv\"");
        if let Result::Ok(v) = HeaderValue::from_str(&file) {
            headers.insert(header::CONTENT_DISPOSITION, v);
        }
    } else {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-ndjson"));
    }
    response
}

/// Runs a query. Answers rows under each table's name (or flat `rows`), `count`, and `total` with
/// `@total`; streams NDJSON with `stream`; downloads CSV with `format: "csv"`.
#[utoipa::path(post, path = "/api/v1/query/execute", tag = "query", request_body = ExecuteBody,
    security(("bearer" = ["query:execute"])),
    responses((status = 200, body = Envelope<Object>), (status = 400, description = "invalid query, every problem listed"),
              (status = 504, description = "timed out and cancelled")))]
async fn execute_query(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiJson(body): ApiJson<ExecuteBody>,
) -> ApiResult<Response> {
    let mut dsl = body.query;
    let inner = take_datasource(&mut dsl);
    let id = body.datasource_id.or(inner);
    run_query(&state, &principal, id.as_deref(), &dsl, body.options.unwrap_or_default()).await
}

/// Compiles and runs a query for `principal`; shared by `/query/execute` and template execution.
pub(crate) async fn run_query(
    state: &AppState,
    principal: &auth::Principal,
    datasource_id: Option<&str>,
    dsl: &Value,
    options: ExecuteOptions,
) -> ApiResult<Response> {
    let ds = datasource_for(state, principal, datasource_id).await?;
    let timeout_ms = options.timeout.unwrap_or(DEFAULT_TIMEOUT_MS);
    if !(1..=600_000).contains(&timeout_ms) {
        return Err(ApiError::validation(vec![FieldError::new(
            "options.timeout",
            "out_of_range",
            "must be 1 to 600000 ms",
        )]));
    }
    let timeout = Duration::from_millis(timeout_ms);
    let format = options.format.as_deref().unwrap_or("json");
    if !matches!(format, "json" | "csv" | "excel" | "xlsx") {
        return Err(ApiError::validation(vec![FieldError::new(
            "options.format",
            "invalid",
            "must be json, csv or excel",
        )]));
    }
    let flat = match options.shape.as_deref() {
        None | Some("tables") => false,
        Some("rows") => true,
        Some(_) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "options.shape",
                "invalid",
                "must be tables or rows",
            )]));
        }
    };
    if options.progress_id.as_ref().is_some_and(|id| id.is_empty() || id.chars().count() > 100) {
        return Err(ApiError::validation(vec![FieldError::new(
            "options.progressId",
            "invalid",
            "1 to 100 characters",
        )]));
    }
    let catalog = state.registry.catalog(&ds).await?;
    let (_, compiled) = compile(dsl, &catalog, dialect(&ds)).map_err(ApiError::validation)?;
    let pool = state.registry.pool(&ds).await?;
    let started = Instant::now();
    let progress =
        QueryProgress::start(state.hub.clone(), &principal.user_id, options.progress_id.clone(), ds.code()).await;
    let record = |status: &str, rows: i64, error: Option<String>| {
        let entry = store::HistoryEntry {
            id: String::new(),
            user_id: principal.user_id.clone(),
            datasource_id: ds.id().to_owned(),
            query: dsl.to_string(),
            sql_text: compiled.display_sql.clone(),
            status: status.to_owned(),
            row_count: rows,
            duration_ms: started.elapsed().as_millis() as i64,
            error,
            created_at: store::now_micros(),
        };
        // Written in batches by a background task; a full queue drops the entry, never the request.
        if state.history.try_send(entry).is_err() {
            tracing::warn!("query history queue full; an entry was dropped");
        }
    };

    if format != "json" || options.stream.unwrap_or(false) {
        record("streamed", -1, None);
        let name = format!(
            "{}-{}",
            compiled.columns.first().map(|c| c.table.as_str()).unwrap_or("query"),
            chrono::Utc::now().format("%Y%m%d-%H%M%S")
        );
        let name: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        if matches!(format, "excel" | "xlsx") {
            return super::excel::excel_response(pool, compiled, timeout, name, progress).await;
        }
        return Result::Ok(stream_response(pool, compiled, timeout, format == "csv", name, progress));
    }

    let fetch = async {
        let rows = pool.fetch_rows(&compiled, timeout).await?;
        let total = pool.count(&compiled, timeout).await?;
        Result::Ok::<_, datasource::ExecError>((rows, total))
    };
    let (answer, cached) = match compiled.directives.cache_ttl {
        Some(ttl) => {
            // The user is part of the key, so answers never cross permission boundaries.
            let key = format!(
                "{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
                principal.user_id,
                ds.id(),
                ds.row.updated_at.timestamp_micros(),
                compiled.sql,
                serde_json::to_string(&compiled.params).unwrap_or_default()
            );
            match cached_answer(state, &key, ttl, timeout, fetch).await {
                Result::Ok(found) => {
                    telemetry::cache(found.1);
                    found
                }
                Err(e) => {
                    record("error", 0, Some(e.message.clone()));
                    progress.finish(0, Some(&e.message)).await;
                    return Err(e);
                }
            }
        }
        None => match fetch.await {
            Result::Ok((rows, total)) => (Arc::new(Answer { rows, total, expires: Instant::now() }), false),
            Err(e) => {
                record("error", 0, Some(e.to_string()));
                let e = exec_error(e, timeout);
                progress.finish(0, Some(&e.message)).await;
                return Err(e);
            }
        },
    };
    record("success", answer.rows.len() as i64, None);
    if cached {
        progress.finish_cached(answer.rows.len() as u64).await;
    } else {
        progress.finish(answer.rows.len() as u64, None).await;
    }
    let data = Shaped { columns: &compiled.columns, rows: &answer.rows, total: answer.total, flat };
    Result::Ok(ok(data).with_query_meta(cached, ds.code().to_owned()).into_response())
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct HistoryView {
    id: String,
    datasource_id: String,
    #[schema(value_type = Object)]
    query: Value,
    sql: String,
    /// `success`, `error` or `streamed`.
    status: String,
    /// Rows returned (-1 for streams and exports).
    rows: i64,
    duration: i64,
    error: Option<String>,
    created_at: chrono::DateTime<chrono::Utc>,
}

/// The caller's query history, newest first.
#[utoipa::path(get, path = "/api/v1/query/history", tag = "query", params(PageParams),
    security(("bearer" = ["query:execute"])), responses((status = 200, body = Envelope<Page<HistoryView>>)))]
async fn query_history(
    State(state): State<AppState>,
    Require(principal, ..): Require<QueryExecute>,
    ApiQuery(params): ApiQuery<PageParams>,
) -> ApiResult<Ok<Page<HistoryView>>> {
    let (page, size, offset) = params.resolve()?;
    let (items, total) = state.store.history(&principal.user_id, offset, size).await?;
    let items = items
        .into_iter()
        .map(|h| HistoryView {
            id: h.id,
            datasource_id: h.datasource_id,
            query: serde_json::from_str(&h.query).unwrap_or(Value::Null),
            sql: h.sql_text,
            status: h.status,
            rows: h.row_count,
            duration: h.duration_ms,
            error: h.error,
            created_at: h.created_at,
        })
        .collect();
    Result::Ok(ok(Page::new(items, total, page, size)))
}
