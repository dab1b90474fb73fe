//! Runs one node: query, condition, api, transform, delay or end, with its retry policy and
//! per-attempt timeout. Values from the scope reach SQL only as bound parameters: a query
//! node's placeholders are filled into the DSL's value positions, which the query compiler binds.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;
use workflow::{ApiConfig, EdgeCondition, NodeConfig, QueryConfig, QuerySource, RetryPolicy};

use crate::runner::{Prepared, Running};
use crate::{Engine, secrets};

/// Lowers an RSQL filter on a model into a query (the Oinone gateway provides it, so RSQL means
/// the same in workflows as at `/pamirs`).
pub trait RsqlLowering: Send + Sync {
    /// A query reading every column of `model` (a table or its Oinone model name) filtered by
    /// `rsql`; `${path}` placeholders in the filter are values looked up in `scope`.
    fn query(
        &self,
        kind: datasource::Kind,
        schema: &datasource::Schema,
        model: &str,
        rsql: Option<&str>,
        scope: &Value,
    ) -> Result<query::Query, String>;
}

/// Everything a node needs.
pub(crate) struct NodeCtx {
    pub engine: Engine,
    pub exec: Arc<Running>,
    pub prepared: Arc<Prepared>,
    pub index: usize,
    pub scope: Arc<Value>,
    /// Attempts made before (by an instance that stopped mid-node).
    pub attempts_before: i64,
    pub started_at: DateTime<Utc>,
}

/// How a node ended.
pub(crate) struct NodeResult {
    pub failed: bool,
    pub outcome: EdgeCondition,
    /// The config with placeholders filled, as sent (secrets masked).
    pub input: Value,
    /// The value bound to the node's output name.
    pub output: Value,
    pub error: Option<String>,
    pub attempts: i64,
    pub logs: Vec<(&'static str, String)>,
}

impl NodeResult {
    fn ok(outcome: EdgeCondition, input: Value, output: Value, attempts: i64) -> NodeResult {
        NodeResult { failed: false, outcome, input, output, error: None, attempts, logs: Vec::new() }
    }

    pub(crate) fn failed(input: Value, error: String, attempts: i64) -> NodeResult {
        NodeResult {
            failed: true,
            outcome: EdgeCondition::Failure,
            input,
            output: json!({ "error": error }),
            logs: vec![("error", error.clone())],
            error: Some(error),
            attempts,
        }
    }

    fn log(mut self, level: &'static str, message: String) -> NodeResult {
        self.logs.push((level, message));
        self
    }
}

/// One attempt's failure.
struct AttemptError {
    message: String,
    retryable: bool,
    retry_after: Option<Duration>,
    /// What to bind when this was the last attempt (an HTTP response, say).
    output: Option<Value>,
}

impl AttemptError {
    fn fatal(message: impl Into<String>) -> AttemptError {
        AttemptError { message: message.into(), retryable: false, retry_after: None, output: None }
    }
}

const DEFAULT_API_TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) async fn run(ctx: NodeCtx) -> NodeResult {
    let valid = &ctx.prepared.valid;
    let node = &valid.definition.nodes[ctx.index];
    let label = if node.name.is_empty() { node.id.clone() } else { node.name.clone() };
    let started = Instant::now();
    let attempts = ctx.attempts_before + 1;
    let result = match &valid.configs[ctx.index] {
        NodeConfig::Condition(c) => match c.expression.eval(&ctx.scope) {
            Ok(Value::Bool(b)) => {
                let outcome = if b { EdgeCondition::True } else { EdgeCondition::False };
                NodeResult::ok(outcome, json!({"expression": c.text}), Value::Bool(b), attempts)
                    .log("info", format!("{label}: {} is {b}", c.text))
            }
            Ok(other) => NodeResult::failed(
                json!({"expression": c.text}),
                format!("the condition gave {other} instead of true or false"),
                attempts,
            ),
            Err(e) => NodeResult::failed(json!({"expression": c.text}), e.to_string(), attempts),
        },
        NodeConfig::Transform(t) => {
            let mut scope = (*ctx.scope).clone();
            let mut values = Map::new();
            let mut error = None;
            for (name, e) in &t.assign {
                match e.eval(&scope) {
                    Ok(v) => {
                        if let Value::Object(m) = &mut scope {
                            m.insert(name.clone(), v.clone());
                        }
                        values.insert(name.clone(), v);
                    }
                    Err(err) => {
                        error = Some(format!("{name}: {err}"));
                        break;
                    }
                }
            }
            match error {
                None => NodeResult::ok(EdgeCondition::Success, Value::Null, Value::Object(values), attempts)
                    .log("info", format!("{label}: computed {}", t.assign.len())),
                Some(e) => NodeResult::failed(Value::Null, e, attempts),
            }
        }
        NodeConfig::Delay(d) => {
            // A resumed delay waits only for what is left of it.
            let waited = (Utc::now() - ctx.started_at).to_std().unwrap_or_default();
            tokio::time::sleep(Duration::from_millis(d.ms).saturating_sub(waited)).await;
            NodeResult::ok(EdgeCondition::Success, json!({"ms": d.ms}), Value::Null, attempts)
                .log("info", format!("{label}: waited {} ms", d.ms))
        }
        NodeConfig::End(e) => match workflow::interpolate(&e.output, &ctx.scope) {
            Ok(out) => NodeResult::ok(EdgeCondition::Success, Value::Null, out, attempts)
                .log("info", format!("{label}: output ready")),
            Err(err) => NodeResult::failed(Value::Null, err.to_string(), attempts),
        },
        NodeConfig::Query(q) => {
            let input = json!({"datasourceId": q.datasource_id});
            let policy = q.retry;
            let timeout = q.timeout_ms.map(Duration::from_millis);
            with_retries(
                &ctx,
                &label,
                policy,
                input,
                |attempt_timeout| query_attempt(&ctx, q, attempt_timeout),
                timeout,
            )
            .await
        }
        NodeConfig::Api(a) => match api_request(&ctx, a) {
            Ok(request) => {
                let input = request_view(&request);
                let timeout = a.timeout_ms.map(Duration::from_millis).or(Some(DEFAULT_API_TIMEOUT));
                with_retries(&ctx, &label, a.retry, input, |t| api_attempt(&ctx, request.clone(), t), timeout).await
            }
            Err(e) => NodeResult::failed(Value::Null, e, attempts),
        },
    };
    let ms = started.elapsed().as_millis();
    match &result.error {
        Some(_) => result,
        None => result.log("debug", format!("{label}: finished in {ms} ms")),
    }
}

/// Runs attempts until one succeeds, a failure is not worth retrying, or the policy's attempts
/// are spent. Each attempt is counted in the store before it starts, so a crash mid-attempt
/// is known to have been one.
async fn with_retries<F, Fut>(
    ctx: &NodeCtx,
    label: &str,
    policy: Option<RetryPolicy>,
    input: Value,
    attempt: F,
    timeout: Option<Duration>,
) -> NodeResult
where
    F: Fn(Duration) -> Fut,
    Fut: std::future::Future<Output = Result<(Value, Option<Value>, String), AttemptError>>,
{
    let policy = policy.unwrap_or(RetryPolicy { max_attempts: 1, initial_delay_ms: 0, max_delay_ms: 0 });
    let mut n = ctx.attempts_before;
    let mut logs = Vec::new();
    // An attempt that was in flight when the previous holder stopped always gets its re-run.
    let last = i64::from(policy.max_attempts).max(ctx.attempts_before + 1);
    loop {
        n += 1;
        // The runner recorded the first attempt when it started the node.
        if n > ctx.attempts_before + 1
            && let Err(e) = save_attempt(ctx, n).await
        {
            tracing::warn!(execution = %ctx.exec.id, error = %e, "attempt count not saved");
        }
        let limit = timeout.unwrap_or(Duration::from_secs(3600));
        let outcome = match tokio::time::timeout(limit, attempt(limit)).await {
            Ok(r) => r,
            Err(_) => Err(AttemptError {
                message: format!("timed out after {} ms", limit.as_millis()),
                retryable: true,
                retry_after: None,
                output: None,
            }),
        };
        match outcome {
            Ok((output, shown, message)) => {
                logs.push(("info", format!("{label}: {message}")));
                let mut r = NodeResult::ok(EdgeCondition::Success, shown.unwrap_or(input), output, n);
                r.logs = logs;
                return r;
            }
            Err(e) if e.retryable && n < last => {
                let delay = backoff(&policy, n, e.retry_after);
                logs.push((
                    "warn",
                    format!("{label}: attempt {n} failed ({}); retrying in {} ms", e.message, delay.as_millis()),
                ));
                tokio::time::sleep(delay).await;
            }
            Err(e) => {
                let message = if n > 1 { format!("{} (after {n} attempts)", e.message) } else { e.message };
                let mut r = NodeResult::failed(input, message, n);
                if let Some(out) = e.output {
                    r.output = out;
                }
                logs.append(&mut r.logs);
                r.logs = logs;
                return r;
            }
        }
    }
}

/// Exponential backoff with equal jitter; a server's `Retry-After` wins when it asks for longer
/// (up to five minutes).
fn backoff(policy: &RetryPolicy, attempt: i64, retry_after: Option<Duration>) -> Duration {
    let exp = u32::try_from(attempt.saturating_sub(1)).unwrap_or(u32::MAX).min(30);
    let base = policy.initial_delay_ms.saturating_mul(1u64 << exp).min(policy.max_delay_ms);
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    let jitter = if base > 1 { u64::from_le_bytes(bytes) % (base / 2 + 1) } else { 0 };
    let delay = Duration::from_millis(base / 2 + jitter);
    match retry_after {
        Some(r) => delay.max(r.min(Duration::from_secs(300))),
        None => delay,
    }
}

async fn save_attempt(ctx: &NodeCtx, attempts: i64) -> crate::Result<()> {
    let node = &ctx.prepared.valid.definition.nodes[ctx.index];
    let row = crate::runner::running_row(&ctx.exec.id, &node.id, attempts, ctx.started_at);
    Ok(ctx.engine.inner.store.save_node_run(&row, &[]).await?)
}

/// Fills a query template's placeholders. A placeholder may give a value or an array (for
/// `$in`), never an object: an object would be read as operators, changing the query's shape.
fn fill_query(template: &Value, scope: &Value, at: &str) -> Result<Value, String> {
    match template {
        Value::String(s) if s.contains("${") => {
            let v = workflow::interpolate(template, scope).map_err(|e| format!("{at}: {e}"))?;
            if v.is_object() {
                return Err(format!("{at}: a placeholder in a query must give a value or an array, not an object"));
            }
            Ok(v)
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, v)| fill_query(v, scope, &format!("{at}[{i}]")))
            .collect::<Result<_, _>>()
            .map(Value::Array),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| Ok((k.clone(), fill_query(v, scope, &format!("{at}.{k}"))?)))
            .collect::<Result<_, String>>()
            .map(Value::Object),
        other => Ok(other.clone()),
    }
}

fn diagnostics(d: Vec<query::Diagnostic>) -> String {
    d.into_iter().map(|d| format!("{}: {}", d.path, d.message)).collect::<Vec<_>>().join("; ")
}

async fn query_attempt(
    ctx: &NodeCtx,
    q: &QueryConfig,
    timeout: Duration,
) -> Result<(Value, Option<Value>, String), AttemptError> {
    let inner = &ctx.engine.inner;
    let registry = &inner.registry;
    let ds = match registry.get(&q.datasource_id).await {
        Ok(ds) => ds,
        Err(registry::Error::NotFound) => registry
            .by_code(&q.datasource_id)
            .await
            .map_err(|_| AttemptError::fatal(format!("datasource {} no longer exists", q.datasource_id)))?,
        Err(e) => return Err(AttemptError { retryable: true, ..AttemptError::fatal(e.to_string()) }),
    };
    let unavailable = |e: registry::Error| AttemptError { retryable: true, ..AttemptError::fatal(e.to_string()) };
    let catalog = registry.catalog(&ds).await.map_err(unavailable)?;
    let parsed = match &q.source {
        QuerySource::Dsl(template) => {
            let dsl = fill_query(template, &ctx.scope, "query").map_err(AttemptError::fatal)?;
            query::parse(&dsl).map_err(|d| AttemptError::fatal(diagnostics(d)))?
        }
        QuerySource::Rsql { model, rsql } => {
            let lowering =
                inner.rsql.as_ref().ok_or_else(|| AttemptError::fatal("RSQL filters are not available here"))?;
            let schema = registry.schema(&ds, false).await.map_err(unavailable)?;
            lowering.query(ds.kind, &schema, model, rsql.as_deref(), &ctx.scope).map_err(AttemptError::fatal)?
        }
    };
    let plan = query::resolve(&parsed, &catalog).map_err(|d| AttemptError::fatal(diagnostics(d)))?;
    let compiled = query::compile(&plan, ds.kind.dialect()).map_err(|d| AttemptError::fatal(diagnostics(d)))?;
    let pool = registry.pool(&ds).await.map_err(unavailable)?;
    // Without a timeout of its own, a query gets its datasource's.
    let timeout = match q.timeout_ms {
        Some(_) => timeout,
        None => Duration::from_millis(u64::try_from(ds.row.timeout_ms).unwrap_or(30_000).max(1)),
    };
    let cap = inner.settings.max_query_rows;
    let (tx, mut rx) = mpsc::channel(256);
    let run = pool.stream_rows(compiled.sql.clone(), compiled.params.clone(), timeout, tx);
    let collect = async {
        let mut rows = Vec::new();
        while let Some(row) = rx.recv().await {
            if rows.len() == cap {
                return (rows, true);
            }
            rows.push(row);
        }
        (rows, false)
    };
    let began = std::time::Instant::now();
    let (outcome, (rows, over)) = tokio::join!(run, collect);
    telemetry::query(ds.code(), began.elapsed(), rows.len() as u64, outcome.is_ok() && !over);
    if over {
        return Err(AttemptError::fatal(format!("the query returned more than {cap} rows; add a limit")));
    }
    outcome.map_err(|e| {
        let retryable = match &e {
            datasource::ExecError::Timeout(_) => true,
            datasource::ExecError::Constraint { .. } => false,
            datasource::ExecError::Database(c) => c.stage != datasource::Stage::Server,
        };
        AttemptError { retryable, ..AttemptError::fatal(e.to_string()) }
    })?;
    // Column names; a name repeated across joined tables is qualified by its table.
    let names: Vec<String> = compiled
        .columns
        .iter()
        .map(|c| {
            if compiled.columns.iter().filter(|o| o.name == c.name).count() > 1 {
                format!("{}.{}", c.table, c.name)
            } else {
                c.name.clone()
            }
        })
        .collect();
    let count = rows.len();
    let objects: Vec<Value> =
        rows.into_iter().map(|row| Value::Object(names.iter().cloned().zip(row).collect())).collect();
    let output = if q.single { objects.into_iter().next().unwrap_or(Value::Null) } else { Value::Array(objects) };
    let shown = json!({"datasourceId": q.datasource_id, "sql": compiled.display_sql});
    Ok((output, Some(shown), format!("query returned {count} row(s)")))
}

/// The request an `api` node sends, placeholders filled.
fn api_request(ctx: &NodeCtx, a: &ApiConfig) -> Result<egress::Request, String> {
    let url = match workflow::interpolate(&Value::String(a.url.clone()), &ctx.scope).map_err(|e| format!("url: {e}"))? {
        Value::String(s) => s,
        other => return Err(format!("url: the placeholder gave {other}, not a string")),
    };
    let mut headers = Vec::new();
    let mut has_key = false;
    for (name, template) in &a.headers {
        let v = workflow::interpolate(&Value::String(template.clone()), &ctx.scope)
            .map_err(|e| format!("headers.{name}: {e}"))?;
        has_key |= name.eq_ignore_ascii_case("idempotency-key");
        headers.push((name.clone(), workflow::expr::text_form(&v)));
    }
    if !has_key {
        // The same key on every attempt and after a crash, so the receiver can de-duplicate.
        let node = &ctx.prepared.valid.definition.nodes[ctx.index];
        headers.push(("Idempotency-Key".into(), format!("{}:{}", ctx.exec.id, node.id)));
    }
    let body = match &a.body {
        Some(b) => Some(workflow::interpolate(b, &ctx.scope).map_err(|e| format!("body: {e}"))?),
        None => None,
    };
    Ok(egress::Request { method: a.method.clone(), url, headers, body, timeout: DEFAULT_API_TIMEOUT })
}

/// The request as execution views show it: credential headers masked.
fn request_view(r: &egress::Request) -> Value {
    let headers: Map<String, Value> = r
        .headers
        .iter()
        .map(|(k, v)| {
            let shown = if secrets::is_sensitive_header(k) { secrets::MASK.to_owned() } else { v.clone() };
            (k.clone(), Value::String(shown))
        })
        .collect();
    json!({"method": r.method, "url": r.url, "headers": headers, "body": r.body})
}

async fn api_attempt(
    ctx: &NodeCtx,
    mut request: egress::Request,
    timeout: Duration,
) -> Result<(Value, Option<Value>, String), AttemptError> {
    request.timeout = timeout;
    let method = request.method.clone();
    match ctx.engine.inner.http.send(request).await {
        Ok(r) => {
            let output = json!({"status": r.status, "headers": r.headers, "body": r.body});
            if (200..300).contains(&r.status) {
                Ok((output, None, format!("{method} answered {}", r.status)))
            } else {
                Err(AttemptError {
                    message: format!("HTTP {}", r.status),
                    retryable: egress::status_is_retryable(r.status),
                    retry_after: r.retry_after,
                    output: Some(output),
                })
            }
        }
        Err(e) => {
            Err(AttemptError { retryable: e.is_retryable(), message: e.to_string(), retry_after: None, output: None })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_cannot_become_operators() {
        let scope = json!({"id": {"$ne": null}, "ids": [1, 2], "name": "x'; DROP TABLE t; --"});
        let t = json!({"tables": [{"name": "Order", "where": {"id": "${id}"}}]});
        assert!(fill_query(&t, &scope, "query").unwrap_err().contains("not an object"));
        let t = json!({"tables": [{"name": "Order", "where": {"id": {"$in": "${ids}"}, "name": "${name}"}}]});
        let filled = fill_query(&t, &scope, "query").unwrap();
        assert_eq!(filled.pointer("/tables/0/where/id/$in").unwrap(), &json!([1, 2]));
        assert_eq!(filled.pointer("/tables/0/where/name").unwrap(), "x'; DROP TABLE t; --");
    }

    #[test]
    fn backoff_grows_is_capped_and_honours_retry_after() {
        let p = RetryPolicy { max_attempts: 5, initial_delay_ms: 100, max_delay_ms: 1000 };
        for attempt in 1..=10 {
            let d = backoff(&p, attempt, None).as_millis() as u64;
            let base = (100u64 << (attempt - 1).min(30)).min(1000);
            assert!(d >= base / 2 && d <= base, "attempt {attempt}: {d} outside [{}, {base}]", base / 2);
        }
        assert_eq!(backoff(&p, 1, Some(Duration::from_secs(3))), Duration::from_secs(3));
        assert_eq!(backoff(&p, 1, Some(Duration::from_secs(9999))), Duration::from_secs(300));
    }
}
