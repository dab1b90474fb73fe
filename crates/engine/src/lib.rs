//! Quarry's workflow engine: stored definitions with versions, a durable execution queue in the
//! metadata store, the runner that executes a definition node by node, and the triggers.
//!
//! Durability works like this: an execution is a row in the store (`queued`); an instance claims
//! it with a lease that its heartbeat extends; each node's result is committed before the nodes
//! after it start. If the instance dies, the lease runs out and any instance (the restarted one
//! at once, since it releases its own old leases on start) claims the execution again and
//! resumes it from the committed node results. Only a node that was in flight runs again, with
//! the same idempotency key. The pure parts (definition model, validation, expressions) live in
//! the `workflow` crate.

mod definitions;
mod events;
mod executions;
mod nodes;
mod queue;
mod runner;
mod secrets;
mod triggers;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crypto::SecretBox;
use registry::Registry;
use store::Store;
use tokio::sync::{Notify, Semaphore, broadcast, watch};

pub use definitions::{Created, SavedWorkflow, VersionSummary, WorkflowPage};
pub use events::{Event, EventKind};
pub use executions::{ExecOptions, ExecutionView, LogView, NodeView, Started, TriggerKind};
pub use nodes::RsqlLowering;
pub use triggers::{MAX_SKEW_SECS, WebhookCall};

/// Errors of the engine, each one either the caller's mistake or internal.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The definition has problems; every one is listed.
    #[error("the workflow definition has {} problem(s)", .0.len())]
    Invalid(Vec<workflow::Problem>),
    /// The execution input does not fit the workflow's variables (path, message).
    #[error("the input has {} problem(s)", .0.len())]
    Input(Vec<(String, String)>),
    /// The operation does not fit the current state (retrying a running execution…).
    #[error("{0}")]
    State(String),
    /// Another save happened at the same time; reload and try again.
    #[error("the workflow was changed by someone else meanwhile; reload it and save again")]
    Conflict,
    /// A webhook call was refused (bad, stale or replayed signature).
    #[error("webhook refused: {0}")]
    Unauthorized(&'static str),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error(transparent)]
    Registry(#[from] registry::Error),
    #[error("secret handling failed: {0}")]
    Crypto(String),
    #[error("corrupt stored workflow data: {0}")]
    Corrupt(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// How the engine runs.
#[derive(Debug, Clone)]
pub struct EngineSettings {
    /// Names this instance in leases; stable across restarts of one data directory, so a
    /// restarted instance takes its own unfinished executions back at once.
    pub instance_id: String,
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// Executions this instance runs at once (more wait in the queue).
    pub max_concurrent: usize,
    /// Executions of one workflow that run at once across all instances, unless the
    /// workflow sets its own `maxConcurrency`.
    pub workflow_concurrency: i64,
    /// Where outbound HTTP may go (`QUARRY_HTTP_ALLOWLIST`).
    pub http_allowlist: String,
    /// Largest HTTP response body an `api` node reads.
    pub max_response_bytes: usize,
    /// Rows a `query` node may bind.
    pub max_query_rows: usize,
    /// How often the scheduler looks for due schedule triggers.
    pub schedule_tick: Duration,
    /// The longest an execution may run when it sets no timeout.
    pub default_timeout: Duration,
}

impl Default for EngineSettings {
    fn default() -> EngineSettings {
        EngineSettings {
            instance_id: "quarry".into(),
            lease: Duration::from_secs(30),
            max_concurrent: 64,
            workflow_concurrency: 16,
            http_allowlist: String::new(),
            max_response_bytes: 10 << 20,
            max_query_rows: 10_000,
            schedule_tick: Duration::from_secs(1),
            default_timeout: Duration::from_secs(3600),
        }
    }
}

/// The engine; cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    registry: Registry,
    secrets: Arc<SecretBox>,
    http: egress::HttpClient,
    settings: EngineSettings,
    rsql: Option<Arc<dyn RsqlLowering>>,
    /// Wakes the dispatcher when work was queued here.
    wake: Notify,
    /// Slots for executions run by this instance.
    slots: Arc<Semaphore>,
    /// Cancellation switches of the executions this instance runs.
    running: Mutex<HashMap<String, watch::Sender<bool>>>,
    events: broadcast::Sender<Event>,
    /// Prepared (validated, secrets opened) definitions by workflow id and version.
    prepared: Mutex<HashMap<(String, i64), Arc<runner::Prepared>>>,
    stop: watch::Sender<bool>,
}

impl Engine {
    /// Builds the engine; nothing runs until [`Engine::start`].
    pub fn new(
        store: Store,
        registry: Registry,
        secrets: Arc<SecretBox>,
        settings: EngineSettings,
        rsql: Option<Arc<dyn RsqlLowering>>,
    ) -> std::result::Result<Engine, String> {
        let policy = egress::AddressPolicy::from_allowlist(&settings.http_allowlist).map_err(|e| e.to_string())?;
        let http = egress::HttpClient::new(egress::ClientSettings {
            policy,
            max_body_bytes: settings.max_response_bytes,
            ..egress::ClientSettings::default()
        })
        .map_err(|e| e.to_string())?;
        let (events, _) = broadcast::channel(1024);
        let (stop, _) = watch::channel(false);
        Ok(Engine {
            inner: Arc::new(Inner {
                store,
                registry,
                secrets,
                http,
                slots: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
                settings,
                rsql,
                wake: Notify::new(),
                running: Mutex::new(HashMap::new()),
                events,
                prepared: Mutex::new(HashMap::new()),
                stop,
            }),
        })
    }

    /// Starts the dispatcher, the heartbeat, the scheduler and the housekeeping loops. Leases
    /// this instance held before a restart are released first, so its unfinished executions
    /// resume at once.
    pub async fn start(&self) -> Result<()> {
        let released = self.inner.store.release_leases(&self.inner.settings.instance_id).await?;
        if released > 0 {
            tracing::info!(released, "resuming executions left unfinished by the previous run");
        }
        queue::spawn_loops(self.clone());
        triggers::spawn_scheduler(self.clone());
        Ok(())
    }

    /// Stops taking new work; running executions keep their leases until they lapse, so another
    /// instance (or this one after a restart) resumes them.
    pub fn stop(&self) {
        let _ = self.inner.stop.send(true);
    }

    /// Live execution events (started, node started/finished, ended).
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.events.subscribe()
    }

    /// The settings in force.
    pub fn settings(&self) -> &EngineSettings {
        &self.inner.settings
    }
}
