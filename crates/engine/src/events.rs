//! Live execution events, broadcast in-process (the SSE/WebSocket channels relay them).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// An instance claimed the execution and started (or resumed) it.
    Started,
    /// A node began (or began again after a retry or a crash).
    NodeStarted,
    /// A node ended; `status` says how.
    NodeFinished,
    /// The execution ended; `status` says how.
    Finished,
}

/// One event about one execution.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub kind: EventKind,
    pub execution_id: String,
    pub workflow_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// The node's or execution's status after the event.
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub timestamp: DateTime<Utc>,
    /// The user who started the execution (none for webhooks and schedules).
    #[serde(skip)]
    pub started_by: Option<String>,
    /// Whether the execution was started asynchronously.
    #[serde(skip)]
    pub run_async: bool,
    /// Since the execution first started, in milliseconds.
    pub elapsed_ms: u64,
}

impl crate::Inner {
    pub(crate) fn emit(
        &self,
        kind: EventKind,
        exec: &crate::runner::Running,
        node_id: Option<&str>,
        status: &str,
        error: Option<&str>,
    ) {
        // Nobody listening is fine: events are a view, the store is the record.
        let now = chrono::Utc::now();
        let _ = self.events.send(Event {
            kind,
            execution_id: exec.id.clone(),
            workflow_id: exec.workflow_id.clone(),
            node_id: node_id.map(str::to_owned),
            status: status.to_owned(),
            error: error.map(str::to_owned),
            timestamp: now,
            started_by: exec.started_by.clone(),
            run_async: exec.run_async,
            elapsed_ms: u64::try_from((now - exec.started_at).num_milliseconds()).unwrap_or(0),
        });
    }
}
