//! Starting executions (input checked against the variables, queued in the store), waiting for
//! them, reading them back, cancelling and retrying them, and delivering completion callbacks.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use store::{ExecutionRow, NodeRunRow};
use workflow::{Definition, VariableType};

use crate::events::EventKind;
use crate::{Engine, Error, Result};

/// How an execution was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    Manual,
    Webhook,
    Schedule,
}

impl TriggerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TriggerKind::Manual => "manual",
            TriggerKind::Webhook => "webhook",
            TriggerKind::Schedule => "schedule",
        }
    }
}

/// `options` of an execute request (seed 2.4.2).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExecOptions {
    /// Answer at once with `running`; the result goes to `webhook` when given.
    #[serde(default, rename = "async")]
    pub run_async: bool,
    /// Callback URL: receives the final result as a signed POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook: Option<String>,
    /// The longest the whole execution may take, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
}

/// What starting an execution answers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Started {
    pub execution_id: String,
    pub status: String,
}

/// One node's state in an execution.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub node_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// `pending`, `running`, `succeeded`, `failed`, `skipped` or `cancelled`.
    pub status: String,
    pub outcome: Option<String>,
    pub input: Option<Value>,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub attempts: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Milliseconds.
    pub duration: Option<i64>,
}

/// A log line (seed 2.4.2).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogView {
    pub timestamp: DateTime<Utc>,
    pub node_id: Option<String>,
    pub level: String,
    pub message: String,
}

/// An execution as answers show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExecutionView {
    pub execution_id: String,
    pub workflow_id: String,
    pub version: i64,
    /// `queued`, `running`, `completed`, `failed` or `cancelled`.
    pub status: String,
    pub trigger: String,
    pub input: Value,
    pub output: Option<Value>,
    pub error: Option<String>,
    pub started_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    /// Milliseconds from start to end.
    pub duration: Option<i64>,
    pub callback: Option<String>,
    pub nodes: Vec<NodeView>,
    pub logs: Vec<LogView>,
}

const MAX_TIMEOUT_MS: u64 = 24 * 3600 * 1000;

impl Engine {
    /// Queues an execution of the workflow's latest version (manual runs) or of its published
    /// version (webhooks and schedules), after checking the input against its variables.
    pub async fn execute(
        &self,
        workflow_id: &str,
        input: Value,
        options: ExecOptions,
        started_by: Option<&str>,
        trigger: TriggerKind,
    ) -> Result<Started> {
        self.start_execution(workflow_id, input, options, started_by, trigger, None).await.map(|(s, _)| s)
    }

    /// As [`Engine::execute`]; a schedule fire passes its (trigger id, fire time) so that the
    /// fire is recorded with the execution, once across instances (`None` when already taken).
    pub(crate) async fn start_execution(
        &self,
        workflow_id: &str,
        input: Value,
        options: ExecOptions,
        started_by: Option<&str>,
        trigger: TriggerKind,
        fire: Option<(&str, DateTime<Utc>)>,
    ) -> Result<(Started, bool)> {
        let row = self.row(workflow_id).await?;
        let version = match trigger {
            TriggerKind::Manual => row.version,
            _ => row.published_version.ok_or_else(|| Error::State("the workflow is not published".into()))?,
        };
        let prepared = self.prepared(workflow_id, version).await?;
        let def = &prepared.valid.definition;
        let mut problems = Vec::new();
        if let Some(t) = options.timeout
            && !(1..=MAX_TIMEOUT_MS).contains(&t)
        {
            problems.push(("options.timeout".to_owned(), format!("timeout must be 1 to {MAX_TIMEOUT_MS} ms")));
        }
        if let Some(url) = &options.webhook
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            problems.push(("options.webhook".to_owned(), "webhook must be an http(s) URL".into()));
        }
        let input = match effective_input(def, input) {
            Ok(v) => v,
            Err(mut p) => {
                problems.append(&mut p);
                Value::Null
            }
        };
        if !problems.is_empty() {
            return Err(Error::Input(problems));
        }
        let now = store::now_micros();
        let exec = ExecutionRow {
            id: store::new_id("exec"),
            workflow_id: workflow_id.to_owned(),
            version,
            status: "queued".into(),
            trigger_kind: trigger.as_str().into(),
            input: input.to_string(),
            options: serde_json::to_string(&options).unwrap_or_else(|_| "{}".into()),
            output: None,
            error: None,
            started_by: started_by.map(str::to_owned),
            lease_owner: None,
            lease_until: None,
            cancel_requested: false,
            callback_state: options.webhook.as_ref().map(|_| "waiting".to_owned()),
            created_at: now,
            started_at: None,
            completed_at: None,
        };
        let queued = self.inner.store.enqueue_execution(&exec, fire).await?;
        if queued {
            self.inner.wake.notify_one();
        }
        Ok((Started { execution_id: exec.id, status: "queued".into() }, queued))
    }

    /// Waits until the execution ends or `limit` passes, then answers its state.
    pub async fn wait(&self, execution_id: &str, limit: Duration) -> Result<ExecutionView> {
        let mut events = self.subscribe();
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let view = self.execution(execution_id).await?;
            if !matches!(view.status.as_str(), "queued" | "running") || tokio::time::Instant::now() >= deadline {
                return Ok(view);
            }
            // Events from this instance end the wait at once; a poll covers executions that
            // another instance runs and events dropped by a lagging receiver.
            let poll = tokio::time::sleep(Duration::from_millis(500));
            tokio::pin!(poll);
            loop {
                tokio::select! {
                    ev = events.recv() => match ev {
                        Ok(ev) if ev.execution_id == execution_id && ev.kind == EventKind::Finished => break,
                        Ok(_) => continue,
                        Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => break,
                        Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                            tokio::time::sleep_until(deadline.min(tokio::time::Instant::now() + Duration::from_millis(500))).await;
                            break;
                        }
                    },
                    _ = &mut poll => break,
                    _ = tokio::time::sleep_until(deadline) => break,
                }
            }
        }
    }

    /// An execution with its nodes and logs.
    pub async fn execution(&self, execution_id: &str) -> Result<ExecutionView> {
        let row = self.inner.store.execution(execution_id).await?.ok_or(Error::NotFound("execution"))?;
        let nodes = self.inner.store.node_runs(execution_id).await?;
        let logs = self.inner.store.logs(execution_id).await?;
        let def: Option<Definition> = self
            .inner
            .store
            .workflow_version(&row.workflow_id, row.version)
            .await?
            .and_then(|v| serde_json::from_str(&v.definition).ok());
        Ok(execution_view(row, nodes, logs, def.as_ref()))
    }

    /// A page of a workflow's executions (without nodes and logs), newest first.
    pub async fn executions(
        &self,
        workflow_id: &str,
        status: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ExecutionView>, i64)> {
        self.row(workflow_id).await?;
        let (rows, total) = self.inner.store.executions(workflow_id, status, offset, limit).await?;
        Ok((rows.into_iter().map(|r| execution_view(r, Vec::new(), Vec::new(), None)).collect(), total))
    }

    /// Cancels a queued execution at once, or asks the instance running it to stop.
    pub async fn cancel(&self, execution_id: &str) -> Result<String> {
        let before = self.inner.store.execution(execution_id).await?.ok_or(Error::NotFound("execution"))?;
        if !matches!(before.status.as_str(), "queued" | "running") {
            return Err(Error::State(format!("the execution has already ended ({})", before.status)));
        }
        let status = self
            .inner
            .store
            .request_cancel(execution_id, store::now_micros())
            .await?
            .ok_or(Error::NotFound("execution"))?;
        if let Some(switch) = self.inner.running.lock().expect("running map").get(execution_id) {
            let _ = switch.send(true);
        }
        match status.as_str() {
            "running" | "cancelled" => Ok(status),
            other => Err(Error::State(format!("the execution has already ended ({other})"))),
        }
    }

    /// Runs a failed or cancelled execution again from the nodes that did not succeed,
    /// keeping the outputs of those that did.
    pub async fn retry(&self, execution_id: &str) -> Result<Started> {
        let row = self.inner.store.execution(execution_id).await?.ok_or(Error::NotFound("execution"))?;
        if !self.inner.store.requeue_execution(execution_id).await? {
            return Err(Error::State(format!(
                "only failed or cancelled executions can be retried; this one is {}",
                row.status
            )));
        }
        let now = store::now_micros();
        let line = store::NewLog {
            node_id: None,
            level: "info",
            message: "retry requested: resuming from the nodes that did not succeed",
        };
        self.inner.store.add_logs(execution_id, &[line], now).await?;
        self.inner.wake.notify_one();
        Ok(Started { execution_id: execution_id.to_owned(), status: "queued".into() })
    }
}

/// The input with defaults applied, or every problem with it.
fn effective_input(def: &Definition, input: Value) -> std::result::Result<Value, Vec<(String, String)>> {
    let mut map = match input {
        Value::Object(m) => m,
        Value::Null => Map::new(),
        _ => return Err(vec![("input".into(), "input must be an object".into())]),
    };
    let mut problems = Vec::new();
    for var in &def.variables {
        let at = format!("input.{}", var.name);
        match map.get(&var.name) {
            Some(v) if !v.is_null() => {
                if let Some(t) = VariableType::parse(&var.kind)
                    && !t.accepts(v)
                {
                    problems.push((at, format!("{} must be of type {}", var.name, var.kind)));
                }
            }
            _ if !var.default_value.is_null() => {
                map.insert(var.name.clone(), var.default_value.clone());
            }
            _ if var.required => problems.push((at, format!("{} is required", var.name))),
            _ => {}
        }
    }
    if problems.is_empty() { Ok(Value::Object(map)) } else { Err(problems) }
}

fn millis(from: Option<DateTime<Utc>>, to: Option<DateTime<Utc>>) -> Option<i64> {
    Some((to? - from?).num_milliseconds())
}

fn parse_json(text: Option<&str>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(t).ok())
}

fn execution_view(
    row: ExecutionRow,
    nodes: Vec<NodeRunRow>,
    logs: Vec<store::LogRow>,
    def: Option<&Definition>,
) -> ExecutionView {
    let mut views: Vec<NodeView> = Vec::new();
    if let Some(def) = def {
        // Every node of the definition, in its order, with pending ones included.
        for n in &def.nodes {
            let run = nodes.iter().find(|r| r.node_id == n.id);
            views.push(node_view(n.id.clone(), n.name.clone(), n.kind.clone(), run));
        }
    }
    let options: ExecOptions = serde_json::from_str(&row.options).unwrap_or_default();
    ExecutionView {
        duration: millis(row.started_at, row.completed_at),
        execution_id: row.id,
        workflow_id: row.workflow_id,
        version: row.version,
        status: row.status,
        trigger: row.trigger_kind,
        input: parse_json(Some(&row.input)).unwrap_or(Value::Null),
        output: parse_json(row.output.as_deref()),
        error: row.error,
        started_by: row.started_by,
        created_at: row.created_at,
        started_at: row.started_at,
        completed_at: row.completed_at,
        callback: options.webhook.and(row.callback_state),
        nodes: views,
        logs: logs
            .into_iter()
            .map(|l| LogView { timestamp: l.created_at, node_id: l.node_id, level: l.level, message: l.message })
            .collect(),
    }
}

fn node_view(node_id: String, name: String, kind: String, run: Option<&NodeRunRow>) -> NodeView {
    match run {
        None => NodeView {
            node_id,
            name,
            kind,
            status: "pending".into(),
            outcome: None,
            input: None,
            output: None,
            error: None,
            attempts: 0,
            started_at: None,
            completed_at: None,
            duration: None,
        },
        Some(r) => NodeView {
            node_id,
            name,
            kind,
            status: r.status.clone(),
            outcome: r.outcome.clone(),
            input: parse_json(r.input.as_deref()),
            output: parse_json(r.output.as_deref()),
            error: r.error.clone(),
            attempts: r.attempts,
            started_at: Some(r.started_at),
            completed_at: r.completed_at,
            duration: millis(Some(r.started_at), r.completed_at),
        },
    }
}

impl Engine {
    /// Delivers an execution's result to its callback URL: a signed POST, retried with backoff.
    pub(crate) async fn deliver_callback(&self, execution_id: &str) {
        let outcome = async {
            let row = self.inner.store.execution(execution_id).await?.ok_or(Error::NotFound("execution"))?;
            let options: ExecOptions = serde_json::from_str(&row.options).unwrap_or_default();
            let Some(url) = options.webhook else { return Ok(true) };
            let wf = self.row(&row.workflow_id).await?;
            let secret =
                self.inner.secrets.open(&wf.signing_secret, &wf.id).map_err(|e| Error::Crypto(e.to_string()))?;
            let body = serde_json::json!({
                "executionId": row.id,
                "workflowId": row.workflow_id,
                "status": row.status,
                "output": parse_json(row.output.as_deref()),
                "error": row.error,
                "startedAt": row.started_at,
                "completedAt": row.completed_at,
                "duration": millis(row.started_at, row.completed_at),
            });
            let bytes = body.to_string();
            let mut delay = Duration::from_secs(1);
            for attempt in 1..=5 {
                let ts = Utc::now().timestamp();
                let signature = egress::signature::sign(secret.as_bytes(), ts, bytes.as_bytes());
                let request = egress::Request {
                    method: "POST".into(),
                    url: url.clone(),
                    headers: vec![
                        (egress::signature::TIMESTAMP_HEADER.into(), ts.to_string()),
                        (egress::signature::SIGNATURE_HEADER.into(), signature),
                        ("x-quarry-execution".into(), row.id.clone()),
                        ("idempotency-key".into(), format!("{}:callback", row.id)),
                    ],
                    body: Some(body.clone()),
                    timeout: Duration::from_secs(10),
                };
                match self.inner.http.send(request).await {
                    Ok(r) if (200..300).contains(&r.status) => return Ok(true),
                    Ok(r) => tracing::warn!(execution = %row.id, status = r.status, attempt, "callback refused"),
                    Err(e) => tracing::warn!(execution = %row.id, error = %e, attempt, "callback failed"),
                }
                if attempt < 5 {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
            Ok::<bool, Error>(false)
        }
        .await;
        let state = match outcome {
            Ok(true) => "delivered",
            Ok(false) => "failed",
            Err(e) => {
                tracing::warn!(execution = %execution_id, error = %e, "callback not delivered");
                "failed"
            }
        };
        if let Err(e) = self.inner.store.set_callback_state(execution_id, state).await {
            tracing::warn!(execution = %execution_id, error = %e, "callback state not saved");
        }
    }
}
