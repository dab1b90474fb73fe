//! The platform's own metadata store: users, roles, sessions, datasources, query templates and history, workflows and their executions.
//!
//! One `Store` runs on SQLite (the embedded default) or PostgreSQL with the
//! same SQL text: every query here uses `$n` placeholders and portable SQL, and
//! each dialect has its own migrations folder. Queries are plain runtime
//! queries with `FromRow` rows, written next to their use.

mod datasources;
mod executions;
mod ids;
mod monitoring;
mod queries;
mod roles;
mod sessions;
mod users;
mod workflows;

use std::time::{Duration, Instant};

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use datasources::DatasourceRow;
pub use executions::{ExecutionEnd, ExecutionRow, LogRow, NewLog, NodeRunRow};
pub use ids::new_id;
pub use monitoring::{AlertEventRow, AlertRuleRow, RollupBucket};
pub use queries::{HistoryEntry, TemplateFilter, TemplateRow};
pub use roles::{NewRole, Role, RolePatch};
pub use sessions::{NewSession, RefreshOutcome, SessionPrincipal};
pub use users::{NewUser, User, UserList, UserPatch};
pub use workflows::{WorkflowFilter, WorkflowRow, WorkflowVersionRow};

/// Errors from the metadata store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A uniqueness constraint was violated; the string names what was duplicated.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The row still has dependants (a role still assigned to users).
    #[error("{0}")]
    InUse(String),
    /// The URL does not name a supported backend.
    #[error("unsupported store URL {0:?}: use sqlite:// or postgres://")]
    UnsupportedUrl(String),
    #[error("store migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("store query failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("corrupt value in store: {0}")]
    Corrupt(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool, so that one piece of SQL
/// and one `FromRow` type serve both backends.
macro_rules! with_pool {
    ($store:expr, $p:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// A handle on the metadata store; cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc`, `sqlite::memory:`, `postgres://…`).
    pub async fn connect(url: &str) -> Result<Store> {
        let pool = if url.starts_with("sqlite:") {
            let options: SqliteConnectOptions = url
                .parse::<SqliteConnectOptions>()?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            // An in-memory database exists per connection, so pin a single one.
            let max = if url.contains(":memory:") { 1 } else { 8 };
            // Switching a new file to WAL needs an exclusive lock; done by one
            // connection first, so pooled connections opening together find it
            // already in WAL mode instead of failing with "database is locked".
            if max > 1 {
                use sqlx::Connection;
                sqlx::SqliteConnection::connect_with(&options).await?.close().await?;
            }
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(max)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .connect_with(options)
                    .await?,
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options: PgConnectOptions = url.parse()?;
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect_with(options)
                    .await?,
            )
        } else {
            return Err(Error::UnsupportedUrl(redact_url(url)));
        };
        Ok(Store { pool })
    }

    /// Applies every pending migration of this backend, in version order.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Pool::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// How to open a transaction that reads and then writes. On SQLite a plain
    /// `BEGIN` would fail with SQLITE_BUSY when upgrading to a writer while
    /// another writer is active; `BEGIN IMMEDIATE` queues for the lock instead.
    pub(crate) fn begin_read_write(&self) -> &'static str {
        match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        }
    }

    /// Round-trips a trivial query and reports how long it took.
    pub async fn ping(&self) -> Result<Duration> {
        let started = Instant::now();
        with_pool!(self, p => sqlx::query("SELECT 1").execute(p).await?.rows_affected());
        Ok(started.elapsed())
    }

    /// Closes every pooled connection; used on graceful shutdown.
    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

/// Removes the password from a database URL so it can be logged or shown.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_owned(),
    }
}

/// Maps a unique-constraint violation to `Error::Conflict(what)`, and anything else to `Error::Database`.
pub(crate) fn unique_as_conflict(err: sqlx::Error, what: &'static str) -> Error {
    match &err {
        sqlx::Error::Database(db) if db.is_unique_violation() => Error::Conflict(what),
        _ => Error::Database(err),
    }
}

/// Escapes `%`, `_` and `\` so a user's keyword matches literally inside `LIKE … ESCAPE '\'`.
pub(crate) fn like_pattern(keyword: &str) -> String {
    let mut out = String::with_capacity(keyword.len() + 2);
    out.push('%');
    for c in keyword.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The current time at the precision both backends store (microseconds), so a row
/// returned on creation equals the same row read back later.
pub fn now_micros() -> chrono::DateTime<chrono::Utc> {
    use chrono::SubsecRound;
    chrono::Utc::now().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(redact_url("sqlite://data/q.db"), "sqlite://data/q.db");
    }

    #[test]
    fn like_escapes_wildcards() {
        assert_eq!(like_pattern("a_b%C\\"), "%a\\_b\\%c\\\\%");
    }
}
