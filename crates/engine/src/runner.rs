//! Runs one claimed execution: decides which nodes are ready, runs them (branches concurrently),
//! commits each node's result before the nodes after it start, and ends the execution.
//!
//! A node is ready when every incoming edge is decided and at least one was taken (or it has
//! no incoming edge); when every incoming edge is decided and none was taken, the node is
//! skipped, and so on downstream. So a join waits for exactly the branches that can still reach
//! it, and the execution ends when nothing is running and nothing is ready.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value};
use store::{ExecutionEnd, ExecutionRow, NewLog, NodeRunRow};
use tokio::sync::watch;
use tokio::task::JoinSet;
use workflow::{EdgeCondition, NodeConfig, NodeType, ValidDefinition};

use crate::events::EventKind;
use crate::executions::ExecOptions;
use crate::nodes::{self, NodeResult};
use crate::{Engine, Error, Result, secrets};

/// A definition ready to run: validated, secrets opened.
pub(crate) struct Prepared {
    pub valid: ValidDefinition,
}

/// The execution being run.
pub(crate) struct Running {
    pub id: String,
    pub workflow_id: String,
    pub input: Value,
    /// Who started it (none for webhooks and schedules).
    pub started_by: Option<String>,
    /// Whether it was started asynchronously (its starter is told when it ends).
    pub run_async: bool,
    /// When it first started.
    pub started_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, PartialEq)]
enum State {
    Pending,
    Running,
    Done(EdgeCondition),
    Skipped,
}

/// How the execution ended.
enum End {
    Completed(Value),
    Failed(String),
    Cancelled,
}

impl Engine {
    pub(crate) async fn prepared(&self, workflow_id: &str, version: i64) -> Result<Arc<Prepared>> {
        let key = (workflow_id.to_owned(), version);
        if let Some(p) = self.inner.prepared.lock().expect("prepared cache").get(&key) {
            return Ok(p.clone());
        }
        let stored = self.version_row(workflow_id, version).await?;
        let sealed: Value = serde_json::from_str(&stored.definition).map_err(|e| Error::Corrupt(e.to_string()))?;
        let clear = secrets::open(&sealed, &self.inner.secrets, workflow_id).map_err(Error::Crypto)?;
        let def = serde_json::from_value(clear).map_err(|e| Error::Corrupt(e.to_string()))?;
        // Datasources were checked when the version was saved; one deleted since then fails
        // the node that uses it, with a clear message, rather than the whole definition.
        let valid = workflow::validate(&def, &|_| true)
            .map_err(|p| Error::Corrupt(format!("stored version no longer validates: {}", p[0].message)))?;
        let prepared = Arc::new(Prepared { valid });
        let mut cache = self.inner.prepared.lock().expect("prepared cache");
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(key, prepared.clone());
        Ok(prepared)
    }

    /// Runs an execution this instance has claimed, to its end (or until its lease is lost).
    pub(crate) async fn run_claimed(&self, row: ExecutionRow) {
        let (switch, cancel) = watch::channel(row.cancel_requested);
        self.inner.running.lock().expect("running map").insert(row.id.clone(), switch);
        let options: ExecOptions = serde_json::from_str(&row.options).unwrap_or_default();
        let started = row.started_at.unwrap_or_else(store::now_micros);
        let exec = Arc::new(Running {
            id: row.id.clone(),
            workflow_id: row.workflow_id.clone(),
            input: serde_json::from_str(&row.input).unwrap_or(Value::Null),
            started_by: row.started_by.clone(),
            run_async: options.run_async,
            started_at: started,
        });
        let timeout = options.timeout.map(Duration::from_millis).unwrap_or(self.inner.settings.default_timeout);
        // The deadline counts from the first start, so a resumed execution does not get more time.
        let elapsed = (chrono::Utc::now() - started).to_std().unwrap_or_default();
        let deadline = tokio::time::Instant::now() + timeout.saturating_sub(elapsed);
        self.inner.emit(EventKind::Started, &exec, None, "running", None);
        let end = match self.prepared(&row.workflow_id, row.version).await {
            Ok(prepared) => self.drive(&exec, &prepared, cancel, deadline, timeout).await,
            Err(e) => Ok(End::Failed(format!("the workflow version cannot run: {e}"))),
        };
        self.inner.running.lock().expect("running map").remove(&row.id);
        let (status, output, error) = match end {
            Ok(End::Completed(out)) => ("completed", Some(out), None),
            Ok(End::Failed(e)) => ("failed", None, Some(e)),
            Ok(End::Cancelled) => ("cancelled", None, Some("cancelled".to_owned())),
            Err(e) => {
                // The store failed under us; the lease lapses and the execution resumes later.
                tracing::error!(execution = %row.id, error = %e, "execution interrupted by a store failure");
                return;
            }
        };
        let now = store::now_micros();
        let message = match (&error, status) {
            (Some(e), _) => format!("execution {status}: {e}"),
            (None, _) => format!("execution completed in {} ms", (now - started).num_milliseconds()),
        };
        let level = if status == "completed" { "info" } else { "error" };
        let out = output.as_ref().map(Value::to_string);
        let end = ExecutionEnd {
            status,
            output: out.as_deref(),
            error: error.as_deref(),
            log: NewLog { node_id: None, level, message: &message },
            at: now,
        };
        let saved = self.inner.store.finish_execution(&row.id, &self.inner.settings.instance_id, &end).await;
        match saved {
            Ok(true) => {
                self.inner.emit(EventKind::Finished, &exec, None, status, error.as_deref());
                if options.webhook.is_some() {
                    let engine = self.clone();
                    let id = row.id.clone();
                    tokio::spawn(async move { engine.deliver_callback(&id).await });
                }
            }
            Ok(false) => {
                tracing::warn!(execution = %row.id, "lease lost before the end was recorded; another instance owns it")
            }
            Err(e) => tracing::error!(execution = %row.id, error = %e, "execution end not recorded; it resumes later"),
        }
    }

    async fn drive(
        &self,
        exec: &Arc<Running>,
        prepared: &Arc<Prepared>,
        mut cancel: watch::Receiver<bool>,
        deadline: tokio::time::Instant,
        timeout: Duration,
    ) -> Result<End> {
        let valid = &prepared.valid;
        let nodes = &valid.definition.nodes;
        let mut state = vec![State::Pending; nodes.len()];
        let mut outputs: Vec<Option<Value>> = vec![None; nodes.len()];
        let mut attempts = vec![0i64; nodes.len()];
        let mut started: Vec<Option<chrono::DateTime<chrono::Utc>>> = vec![None; nodes.len()];
        for run in self.inner.store.node_runs(&exec.id).await? {
            let Some(i) = valid.node_index(&run.node_id) else { continue };
            match run.status.as_str() {
                "succeeded" | "failed" => {
                    let outcome =
                        run.outcome.as_deref().and_then(EdgeCondition::parse).unwrap_or(EdgeCondition::Success);
                    state[i] = State::Done(outcome);
                    outputs[i] = run.output.as_deref().and_then(|o| serde_json::from_str(o).ok());
                }
                "skipped" => state[i] = State::Skipped,
                _ => {
                    // In flight when the previous holder stopped: it runs again.
                    attempts[i] = run.attempts;
                    started[i] = Some(run.started_at);
                }
            }
        }
        if *cancel.borrow() {
            return Ok(End::Cancelled);
        }
        // What `stop_all` needs to know about the nodes, as they stand when it is called.
        macro_rules! stop {
            () => {
                Stop { nodes, state: &state, started: &started, attempts: &attempts }
            };
        }
        let mut tasks: JoinSet<(usize, NodeResult)> = JoinSet::new();
        let mut task_nodes: HashMap<tokio::task::Id, usize> = HashMap::new();
        loop {
            // Settle every pending node in topological order, so skips cascade in one pass.
            for &i in &valid.order {
                if state[i] != State::Pending {
                    continue;
                }
                match readiness(valid, &state, i) {
                    Readiness::Wait => {}
                    Readiness::Skip => {
                        state[i] = State::Skipped;
                        self.save_skipped(exec, &nodes[i].id).await?;
                    }
                    Readiness::Ready => {
                        state[i] = State::Running;
                        let scope = Arc::new(scope(exec, valid, &outputs, &state));
                        let at = *started[i].get_or_insert_with(store::now_micros);
                        // Nodes that do I/O or wait are recorded as running before they start
                        // (so a resumed execution knows an attempt was in flight, and viewers
                        // see it); pure nodes finish at once and only their result is written.
                        if does_io(&valid.configs[i]) {
                            let row = running_row(&exec.id, &nodes[i].id, attempts[i] + 1, at);
                            self.inner.store.save_node_run(&row, &[]).await?;
                        }
                        self.inner.emit(EventKind::NodeStarted, exec, Some(&nodes[i].id), "running", None);
                        let ctx = nodes::NodeCtx {
                            engine: self.clone(),
                            exec: exec.clone(),
                            prepared: prepared.clone(),
                            index: i,
                            scope,
                            attempts_before: attempts[i],
                            started_at: at,
                        };
                        let handle = tasks.spawn(async move { (i, nodes::run(ctx).await) });
                        task_nodes.insert(handle.id(), i);
                    }
                }
            }
            if tasks.is_empty() {
                break;
            }
            tokio::select! {
                joined = tasks.join_next_with_id() => {
                    let (i, result) = match joined {
                        Some(Ok((_, (i, result)))) => (i, result),
                        Some(Err(e)) => {
                            let i = task_nodes.get(&e.id()).copied().unwrap_or(0);
                            (i, NodeResult::failed(Value::Null, format!("the node crashed: {e}"), attempts[i] + 1))
                        }
                        None => break,
                    };
                    let handled = result.failed && has_failure_edge(valid, i);
                    let at = started[i].unwrap_or_else(store::now_micros);
                    self.save_result(exec, &nodes[i].id, at, &result).await?;
                    let status = if result.failed { "failed" } else { "succeeded" };
                    self.inner.emit(EventKind::NodeFinished, exec, Some(&nodes[i].id), status, result.error.as_deref());
                    if result.failed && !handled {
                        state[i] = State::Done(result.outcome);
                        self.stop_all(exec, &mut tasks, stop!(), "cancelled", "stopped: another node failed").await?;
                        let name = if nodes[i].name.is_empty() { &nodes[i].id } else { &nodes[i].name };
                        let error = result.error.unwrap_or_else(|| "failed".into());
                        return Ok(End::Failed(format!("node {} ({name}) failed: {error}", nodes[i].id)));
                    }
                    state[i] = State::Done(result.outcome);
                    outputs[i] = Some(result.output);
                }
                changed = cancel.changed() => {
                    if changed.is_ok() && *cancel.borrow() {
                        self.stop_all(exec, &mut tasks, stop!(), "cancelled", "cancelled").await?;
                        return Ok(End::Cancelled);
                    }
                }
                _ = tokio::time::sleep_until(deadline) => {
                    let why = format!("the execution timed out after {} ms", timeout.as_millis());
                    self.stop_all(exec, &mut tasks, stop!(), "failed", &why).await?;
                    return Ok(End::Failed(why));
                }
            }
        }
        Ok(End::Completed(final_output(valid, &state, &outputs)))
    }

    /// Aborts every running node and records how it ended.
    async fn stop_all(
        &self,
        exec: &Running,
        tasks: &mut JoinSet<(usize, NodeResult)>,
        stop: Stop<'_>,
        status: &str,
        why: &str,
    ) -> Result<()> {
        tasks.abort_all();
        while tasks.join_next().await.is_some() {}
        let now = store::now_micros();
        let mut stored: HashMap<String, NodeRunRow> =
            self.inner.store.node_runs(&exec.id).await?.into_iter().map(|r| (r.node_id.clone(), r)).collect();
        for (i, node) in stop.nodes.iter().enumerate() {
            if stop.state[i] != State::Running {
                continue;
            }
            // Nodes that do I/O have a running row (with their attempt count); pure ones do not.
            let run = match stored.remove(&node.id) {
                Some(run) if run.status == "running" => run,
                _ => running_row(&exec.id, &node.id, stop.attempts[i] + 1, stop.started[i].unwrap_or(now)),
            };
            let row =
                NodeRunRow { status: status.to_owned(), error: Some(why.to_owned()), completed_at: Some(now), ..run };
            self.inner.store.save_node_run(&row, &[]).await?;
            self.inner.emit(EventKind::NodeFinished, exec, Some(&node.id), status, Some(why));
        }
        Ok(())
    }

    async fn save_skipped(&self, exec: &Running, node_id: &str) -> Result<()> {
        let now = store::now_micros();
        let row = NodeRunRow {
            execution_id: exec.id.clone(),
            node_id: node_id.to_owned(),
            status: "skipped".into(),
            outcome: None,
            input: None,
            output: None,
            error: None,
            attempts: 0,
            started_at: now,
            completed_at: Some(now),
        };
        self.inner.store.save_node_run(&row, &[]).await?;
        self.inner.emit(EventKind::NodeFinished, exec, Some(node_id), "skipped", None);
        Ok(())
    }

    async fn save_result(
        &self,
        exec: &Running,
        node_id: &str,
        started_at: chrono::DateTime<chrono::Utc>,
        r: &NodeResult,
    ) -> Result<()> {
        let now = store::now_micros();
        let row = NodeRunRow {
            execution_id: exec.id.clone(),
            node_id: node_id.to_owned(),
            status: if r.failed { "failed" } else { "succeeded" }.into(),
            outcome: Some(r.outcome.as_str().to_owned()),
            input: Some(r.input.to_string()),
            output: Some(r.output.to_string()),
            error: r.error.clone(),
            attempts: r.attempts,
            started_at,
            completed_at: Some(now),
        };
        // The node's row and its logs commit together; the commit lets later nodes start.
        let lines: Vec<NewLog> =
            r.logs.iter().map(|(level, message)| NewLog { node_id: Some(node_id), level, message }).collect();
        Ok(self.inner.store.save_node_run(&row, &lines).await?)
    }
}

/// A node's row while it runs (attempt `attempts`, started at `at`).
pub(crate) fn running_row(
    execution_id: &str,
    node_id: &str,
    attempts: i64,
    at: chrono::DateTime<chrono::Utc>,
) -> NodeRunRow {
    NodeRunRow {
        execution_id: execution_id.to_owned(),
        node_id: node_id.to_owned(),
        status: "running".into(),
        outcome: None,
        input: None,
        output: None,
        error: None,
        attempts,
        started_at: at,
        completed_at: None,
    }
}

/// What [`Engine::stop_all`] needs to know about the nodes in flight.
struct Stop<'a> {
    nodes: &'a [workflow::Node],
    state: &'a [State],
    started: &'a [Option<chrono::DateTime<chrono::Utc>>],
    attempts: &'a [i64],
}

/// Whether a node does I/O or waits (query, api, delay), rather than computing at once.
fn does_io(config: &NodeConfig) -> bool {
    matches!(config, NodeConfig::Query(_) | NodeConfig::Api(_) | NodeConfig::Delay(_))
}

enum Readiness {
    Wait,
    Ready,
    Skip,
}

fn readiness(valid: &ValidDefinition, state: &[State], i: usize) -> Readiness {
    let id = &valid.definition.nodes[i].id;
    let mut any = false;
    let mut taken = false;
    for (e, edge) in valid.definition.edges.iter().enumerate() {
        if &edge.to != id {
            continue;
        }
        any = true;
        let Some(from) = valid.node_index(&edge.from) else { continue };
        match &state[from] {
            State::Pending | State::Running => return Readiness::Wait,
            State::Skipped => {}
            State::Done(outcome) => {
                let kind = valid.definition.nodes[from].node_type();
                if edge_taken(kind, valid.conditions[e], *outcome) {
                    taken = true;
                }
            }
        }
    }
    if !any || taken { Readiness::Ready } else { Readiness::Skip }
}

/// Whether an edge with `condition` leaving a node of `kind` is taken after `outcome`.
pub(crate) fn edge_taken(kind: Option<NodeType>, condition: Option<EdgeCondition>, outcome: EdgeCondition) -> bool {
    let positive = matches!(outcome, EdgeCondition::Success | EdgeCondition::True);
    match condition {
        // A condition's plain edges are always taken; other nodes' only on success.
        None => kind == Some(NodeType::Condition) || positive,
        Some(EdgeCondition::Success | EdgeCondition::True) => positive,
        Some(EdgeCondition::Failure | EdgeCondition::False) => !positive,
    }
}

fn has_failure_edge(valid: &ValidDefinition, i: usize) -> bool {
    let kind = valid.definition.nodes[i].node_type();
    matches!(kind, Some(NodeType::Query | NodeType::Api))
        && valid.outgoing(i).any(|e| valid.conditions[e] == Some(EdgeCondition::Failure))
}

/// What expressions see: the variables (the effective input's fields), `input`, and the names
/// bound by the nodes that have finished.
fn scope(exec: &Running, valid: &ValidDefinition, outputs: &[Option<Value>], state: &[State]) -> Value {
    let mut map = match &exec.input {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    map.insert("input".into(), exec.input.clone());
    for (i, config) in valid.configs.iter().enumerate() {
        if !matches!(state[i], State::Done(_)) {
            continue;
        }
        let Some(out) = &outputs[i] else { continue };
        bind(config, out, &mut map);
    }
    Value::Object(map)
}

/// Binds a finished node's output under its names.
fn bind(config: &NodeConfig, out: &Value, map: &mut Map<String, Value>) {
    match config {
        NodeConfig::Query(q) => {
            map.insert(q.output.clone(), out.clone());
        }
        NodeConfig::Api(a) => {
            map.insert(a.output.clone(), out.clone());
        }
        NodeConfig::Transform(t) => {
            if let Value::Object(values) = out {
                for (k, v) in values {
                    map.insert(k.clone(), v.clone());
                }
            }
            map.insert(t.output.clone(), out.clone());
        }
        NodeConfig::Condition(_) | NodeConfig::Delay(_) | NodeConfig::End(_) => {}
    }
}

/// The execution's output: the `end` node's (an object by node id when several ran), or else
/// every executed node's named output.
fn final_output(valid: &ValidDefinition, state: &[State], outputs: &[Option<Value>]) -> Value {
    let done = |i: usize| matches!(state[i], State::Done(_));
    let ends: Vec<usize> =
        (0..state.len()).filter(|&i| done(i) && matches!(valid.configs[i], NodeConfig::End(_))).collect();
    match ends.as_slice() {
        [one] => outputs[*one].clone().unwrap_or(Value::Null),
        [] => {
            let mut map = Map::new();
            for &i in &valid.order {
                if let (true, Some(out)) = (done(i), &outputs[i]) {
                    let name = match &valid.configs[i] {
                        NodeConfig::Query(q) => &q.output,
                        NodeConfig::Api(a) => &a.output,
                        NodeConfig::Transform(t) => &t.output,
                        _ => continue,
                    };
                    map.insert(name.clone(), out.clone());
                }
            }
            Value::Object(map)
        }
        many => Value::Object(
            many.iter()
                .map(|&i| (valid.definition.nodes[i].id.clone(), outputs[i].clone().unwrap_or(Value::Null)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edges_follow_outcomes() {
        use EdgeCondition::*;
        let cond = Some(NodeType::Condition);
        let api = Some(NodeType::Api);
        assert!(edge_taken(cond, None, False));
        assert!(edge_taken(cond, Some(Success), True) && !edge_taken(cond, Some(Success), False));
        assert!(edge_taken(cond, Some(Failure), False) && edge_taken(cond, Some(False), False));
        assert!(edge_taken(api, None, Success) && !edge_taken(api, None, Failure));
        assert!(edge_taken(api, Some(Failure), Failure) && !edge_taken(api, Some(Failure), Success));
    }
}
