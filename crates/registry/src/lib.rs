//! The datasource registry: stored settings (in the store), sealed secrets, and one live pool
//! and schema cache per datasource.
//!
//! This is where the platform's own store and users' databases meet; the two
//! adapter crates never import each other. Pools are created on first use,
//! rebuilt when settings change and closed on delete; a datasource that is down
//! only slows down requests for that datasource.

mod input;
mod policy;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crypto::SecretBox;
use datasource::{ConnectError, Kind, Pool, ProbeReport, Schema, Spec, Stage};
use errors::FieldError;
use serde::Serialize;
use store::{DatasourceRow, Store};
use tokio::sync::{Mutex, RwLock};

pub use input::{ConnectionInput, DatasourceInput, OptionsInput};
pub use policy::SqlitePolicy;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("datasource not found")]
    NotFound,
    #[error("the datasource cannot be reached: {}", .0.message)]
    Unreachable(ProbeReport),
    #[error("the datasource is unavailable: {0}")]
    Unavailable(ConnectError),
    #[error(transparent)]
    Store(#[from] store::Error),
    #[error("stored secret unusable: {0}")]
    Secret(#[from] crypto::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A datasource as the rest of the platform sees it (the password stays sealed).
#[derive(Debug, Clone)]
pub struct Datasource {
    pub row: DatasourceRow,
    pub kind: Kind,
    pub allowed_roles: Vec<String>,
    /// Tables that refuse writes through the gateway.
    pub read_only_tables: Vec<String>,
}

impl Datasource {
    fn from_row(row: DatasourceRow) -> Datasource {
        let kind = stored_kind(&row.kind);
        let allowed_roles = serde_json::from_str(&row.allowed_roles).unwrap_or_default();
        let read_only_tables = serde_json::from_str(&row.read_only_tables).unwrap_or_default();
        Datasource { row, kind, allowed_roles, read_only_tables }
    }

    pub fn id(&self) -> &str {
        &self.row.id
    }

    pub fn code(&self) -> &str {
        &self.row.code
    }

    pub fn has_password(&self) -> bool {
        self.row.password_enc.is_some()
    }
}

/// The kind recorded in a stored row (always written by `Kind::as_str`).
fn stored_kind(text: &str) -> Kind {
    match text {
        "mysql" => Kind::Mysql,
        "postgres" => Kind::Postgres,
        _ => Kind::Sqlite,
    }
}

/// What is known about a datasource's connection right now.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// `connected`, `error`, or `unknown` (not used since start).
    pub state: &'static str,
    pub stage: Option<Stage>,
    pub reason: Option<String>,
    pub checked_at: Option<DateTime<Utc>>,
}

impl Status {
    fn unknown() -> Status {
        Status { state: "unknown", stage: None, reason: None, checked_at: None }
    }
}

#[derive(Default)]
struct Live {
    /// The pool, with the `updated_at` of the settings it was built from.
    pool: Mutex<Option<(DateTime<Utc>, Pool)>>,
    schema: Mutex<Option<(Arc<Schema>, Arc<query::Catalog>)>>,
    status: std::sync::Mutex<Option<Status>>,
    /// Copies of the built pool and schema, read on every query without awaiting: the async
    /// mutexes above only serialise (and coalesce) building them.
    ready_pool: std::sync::RwLock<Option<(DateTime<Utc>, Pool)>>,
    ready_schema: std::sync::RwLock<Option<(Arc<Schema>, Arc<query::Catalog>)>>,
}

#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    secrets: SecretBox,
    policy: SqlitePolicy,
    live: RwLock<HashMap<String, Arc<Live>>>,
    /// Every datasource row, read from the store at most every `LIST_TTL` (changes made through
    /// this instance clear it at once), so a query costs no store round trip to find its datasource.
    list: std::sync::RwLock<Option<(std::time::Instant, Arc<Vec<Datasource>>)>>,
}

/// How long another instance's datasource changes may take to be seen here.
const LIST_TTL: Duration = Duration::from_secs(5);

impl Registry {
    pub fn new(store: Store, secret_key: &[u8], policy: SqlitePolicy) -> Registry {
        Registry {
            inner: Arc::new(Inner {
                store,
                secrets: SecretBox::new(secret_key),
                policy,
                live: RwLock::new(HashMap::new()),
                list: std::sync::RwLock::new(None),
            }),
        }
    }

    pub fn policy(&self) -> &SqlitePolicy {
        &self.inner.policy
    }

    async fn live(&self, id: &str) -> Arc<Live> {
        if let Some(l) = self.inner.live.read().await.get(id) {
            return l.clone();
        }
        self.inner.live.write().await.entry(id.to_owned()).or_default().clone()
    }

    /// Forgets and closes a datasource's pool and schema (after a change or delete).
    async fn retire(&self, id: &str) {
        if let Some(live) = self.inner.live.write().await.remove(id) {
            *live.ready_pool.write().expect("pool lock") = None;
            *live.ready_schema.write().expect("schema lock") = None;
            if let Some((_, pool)) = live.pool.lock().await.take() {
                pool.close().await;
            }
        }
    }

    fn spec(&self, row: &DatasourceRow) -> Result<Spec> {
        let password = match &row.password_enc {
            Some(sealed) => Some(self.inner.secrets.open(sealed, &row.id)?),
            None => None,
        };
        Ok(Spec {
            kind: stored_kind(&row.kind),
            host: row.host.clone(),
            port: row.port as u16,
            database: row.database_name.clone(),
            username: row.username.clone(),
            password,
            ssl: row.ssl,
            timezone: row.timezone.clone(),
            pool_size: row.pool_size as u32,
            timeout: Duration::from_millis(row.timeout_ms as u64),
            max_retries: row.max_retries as u32,
        })
    }

    /// Every datasource, by name, from the short-lived cache.
    async fn all(&self) -> Result<Arc<Vec<Datasource>>> {
        if let Some((at, list)) = self.inner.list.read().expect("list lock").as_ref()
            && at.elapsed() < LIST_TTL
        {
            return Ok(list.clone());
        }
        let list: Arc<Vec<Datasource>> =
            Arc::new(self.inner.store.all_datasources().await?.into_iter().map(Datasource::from_row).collect());
        *self.inner.list.write().expect("list lock") = Some((std::time::Instant::now(), list.clone()));
        Ok(list)
    }

    fn forget_list(&self) {
        *self.inner.list.write().expect("list lock") = None;
    }

    pub async fn get(&self, id: &str) -> Result<Datasource> {
        self.all().await?.iter().find(|d| d.id() == id).cloned().ok_or(Error::NotFound)
    }

    pub async fn by_code(&self, code: &str) -> Result<Datasource> {
        self.all().await?.iter().find(|d| d.code().eq_ignore_ascii_case(code)).cloned().ok_or(Error::NotFound)
    }

    /// The default datasource, if one is marked.
    pub async fn default_datasource(&self) -> Result<Option<Datasource>> {
        Ok(self.all().await?.iter().find(|d| d.row.is_default).cloned())
    }

    /// Datasources whose name or code contains `keyword` (ignoring case), by name.
    pub async fn find(&self, keyword: Option<&str>) -> Result<Vec<Datasource>> {
        let keyword = keyword.map(str::to_lowercase);
        Ok(self
            .all()
            .await?
            .iter()
            .filter(|d| {
                keyword
                    .as_deref()
                    .is_none_or(|k| d.row.name.to_lowercase().contains(k) || d.code().to_lowercase().contains(k))
            })
            .cloned()
            .collect())
    }

    pub async fn status(&self, id: &str) -> Status {
        let live = self.live(id).await;
        let status = live.status.lock().expect("status lock").clone();
        status.unwrap_or_else(Status::unknown)
    }

    fn record(live: &Live, outcome: std::result::Result<(), &ConnectError>) {
        let status = match outcome {
            Ok(()) => Status { state: "connected", stage: None, reason: None, checked_at: Some(Utc::now()) },
            Err(e) => Status {
                state: "error",
                stage: Some(e.stage),
                reason: Some(e.message.clone()),
                checked_at: Some(Utc::now()),
            },
        };
        *live.status.lock().expect("status lock") = Some(status);
    }

    /// The pool of a datasource, connecting (with retries) on first use or after a change.
    pub async fn pool(&self, ds: &Datasource) -> Result<Pool> {
        let live = self.live(ds.id()).await;
        if let Some((version, pool)) = live.ready_pool.read().expect("pool lock").as_ref()
            && *version == ds.row.updated_at
        {
            return Ok(pool.clone());
        }
        let mut slot = live.pool.lock().await;
        if let Some((version, pool)) = slot.as_ref() {
            if *version == ds.row.updated_at {
                return Ok(pool.clone());
            }
            *live.ready_pool.write().expect("pool lock") = None;
            pool.close().await;
            *slot = None;
        }
        let spec = self.spec(&ds.row)?;
        match Pool::connect(&spec).await {
            Ok(pool) => {
                Self::record(&live, Ok(()));
                *slot = Some((ds.row.updated_at, pool.clone()));
                *live.ready_pool.write().expect("pool lock") = Some((ds.row.updated_at, pool.clone()));
                Ok(pool)
            }
            Err(e) => {
                Self::record(&live, Err(&e));
                Err(Error::Unavailable(e))
            }
        }
    }

    /// The schema of a datasource, from the cache unless `refresh`.
    pub async fn schema(&self, ds: &Datasource, refresh: bool) -> Result<Arc<Schema>> {
        Ok(self.schema_and_catalog(ds, refresh).await?.0)
    }

    /// The query compiler's view of a datasource's schema (cached with it).
    pub async fn catalog(&self, ds: &Datasource) -> Result<Arc<query::Catalog>> {
        Ok(self.schema_and_catalog(ds, false).await?.1)
    }

    async fn schema_and_catalog(&self, ds: &Datasource, refresh: bool) -> Result<(Arc<Schema>, Arc<query::Catalog>)> {
        let live = self.live(ds.id()).await;
        if !refresh && let Some(both) = live.ready_schema.read().expect("schema lock").as_ref() {
            return Ok(both.clone());
        }
        let mut cached = live.schema.lock().await;
        if !refresh && let Some(both) = cached.as_ref() {
            return Ok(both.clone());
        }
        let pool = self.pool(ds).await?;
        match pool.introspect().await {
            Ok(schema) => {
                let catalog = Arc::new(schema.catalog());
                let both = (Arc::new(schema), catalog);
                *cached = Some(both.clone());
                *live.ready_schema.write().expect("schema lock") = Some(both.clone());
                Ok(both)
            }
            Err(e) => {
                Self::record(&live, Err(&e));
                Err(Error::Unavailable(e))
            }
        }
    }

    /// Tests a saved datasource's connection.
    pub async fn test_saved(&self, ds: &Datasource) -> Result<ProbeReport> {
        let report = datasource::probe(&self.spec(&ds.row)?).await;
        self.record_probe(ds.id(), &report).await;
        Ok(report)
    }

    /// Tests an unsaved configuration.
    pub async fn test_unsaved(&self, input: &DatasourceInput) -> Result<ProbeReport> {
        let checked = input.check(None, &self.inner.policy)?;
        Ok(datasource::probe(&checked.spec).await)
    }

    /// Problems with `allowedRoles` names that match no role.
    async fn unknown_roles(&self, input: &DatasourceInput) -> Result<Vec<FieldError>> {
        let mut errors = Vec::new();
        for (i, name) in input.allowed_roles.iter().flatten().enumerate() {
            if !name.trim().is_empty() && self.inner.store.role_by_name(name).await?.is_none() {
                errors.push(FieldError::new(
                    format!("allowedRoles[{i}]"),
                    "unknown",
                    format!("no role named {name:?}"),
                ));
            }
        }
        Ok(errors)
    }

    /// Runs the field checks and the role look-ups, reporting every problem together.
    async fn check(
        &self,
        input: &DatasourceInput,
        existing: Option<(&DatasourceRow, Option<String>)>,
    ) -> Result<input::Checked> {
        let role_errors = self.unknown_roles(input).await?;
        match input.check(existing, &self.inner.policy) {
            Err(Error::Validation(mut errors)) => {
                errors.extend(role_errors);
                Err(Error::Validation(errors))
            }
            Ok(_) if !role_errors.is_empty() => Err(Error::Validation(role_errors)),
            other => other,
        }
    }

    /// Validates, tests (unless `verify` is false) and saves a new datasource.
    pub async fn create(&self, input: DatasourceInput, actor: Option<&str>) -> Result<Datasource> {
        let checked = self.check(&input, None).await?;
        let report = datasource::probe(&checked.spec).await;
        if !report.success && input.verify.unwrap_or(true) {
            return Err(Error::Unreachable(report));
        }
        let now = store::now_micros();
        let id = store::new_id("ds");
        let password_enc = match &checked.spec.password {
            Some(p) => Some(self.inner.secrets.seal(p, &id)?),
            None => None,
        };
        let row = checked.into_row(id, password_enc, actor.map(str::to_owned), now, now);
        self.inner.store.create_datasource(&row).await?;
        self.forget_list();
        self.record_probe(&row.id, &report).await;
        Ok(Datasource::from_row(row))
    }

    /// Applies changes to a datasource. A missing password keeps the stored one.
    pub async fn update(&self, id: &str, input: DatasourceInput) -> Result<Datasource> {
        let existing = self.get(id).await?;
        let stored_password = match &existing.row.password_enc {
            Some(sealed) => Some(self.inner.secrets.open(sealed, id)?),
            None => None,
        };
        let checked = self.check(&input, Some((&existing.row, stored_password))).await?;
        let report = datasource::probe(&checked.spec).await;
        if !report.success && input.verify.unwrap_or(true) {
            return Err(Error::Unreachable(report));
        }
        let password_enc = match &checked.spec.password {
            Some(p) => Some(self.inner.secrets.seal(p, id)?),
            None => None,
        };
        let row = checked.into_row(
            id.to_owned(),
            password_enc,
            existing.row.created_by.clone(),
            existing.row.created_at,
            store::now_micros(),
        );
        let updated = self.inner.store.update_datasource(&row).await?;
        self.forget_list();
        if !updated {
            return Err(Error::NotFound);
        }
        self.retire(id).await;
        self.record_probe(id, &report).await;
        Ok(Datasource::from_row(row))
    }

    async fn record_probe(&self, id: &str, report: &ProbeReport) {
        let live = self.live(id).await;
        match report.stage {
            None => Self::record(&live, Ok(())),
            Some(stage) => Self::record(&live, Err(&ConnectError::new(stage, report.message.clone()))),
        }
    }

    pub async fn delete(&self, id: &str) -> Result<()> {
        let deleted = self.inner.store.delete_datasource(id).await?;
        self.forget_list();
        if !deleted {
            return Err(Error::NotFound);
        }
        self.retire(id).await;
        Ok(())
    }

    /// Creates and registers the `demo` datasource on first start (when no datasource exists yet).
    pub async fn ensure_demo(&self, data_dir: &std::path::Path) -> Result<Option<Datasource>> {
        if !self.all().await?.is_empty() {
            return Ok(None);
        }
        let path: PathBuf = data_dir.join("demo.db");
        datasource::demo::create(&path).await.map_err(Error::Unavailable)?;
        let input = DatasourceInput {
            name: Some("demo".into()),
            code: Some("demo".into()),
            kind: Some("sqlite".into()),
            connection: Some(ConnectionInput { database: Some(path.display().to_string()), ..Default::default() }),
            is_default: Some(true),
            ..Default::default()
        };
        match self.create(input, None).await {
            Ok(ds) => Ok(Some(ds)),
            // Another instance registered it first.
            Err(Error::Store(store::Error::Conflict(_))) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Pool usage per datasource id, for monitoring.
    pub async fn pool_usage(&self) -> Vec<(String, u32, u32)> {
        let mut out = Vec::new();
        for (id, live) in self.inner.live.read().await.iter() {
            if let Some((_, pool)) = live.pool.lock().await.as_ref() {
                let (active, idle) = pool.usage();
                out.push((id.clone(), active, idle));
            }
        }
        out
    }

    /// Closes every pool (graceful shutdown).
    pub async fn close_all(&self) {
        let ids: Vec<String> = self.inner.live.read().await.keys().cloned().collect();
        for id in ids {
            self.retire(&id).await;
        }
    }
}
