//! Building pools per dialect, with retries and a precise account of where a connection failed.

use std::time::Duration;

use serde::Serialize;
use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions, MySqlSslMode};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

use crate::{Kind, Spec, Stage};

/// A failed connection: the stage and the server's own message.
#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[error("{stage:?}: {message}")]
pub struct ConnectError {
    pub stage: Stage,
    pub message: String,
}

impl ConnectError {
    pub fn new(stage: Stage, message: impl Into<String>) -> ConnectError {
        ConnectError { stage, message: message.into() }
    }
}

/// A pool on one user database.
#[derive(Clone, Debug)]
pub enum Pool {
    MySql(MySqlPool),
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

fn mysql_options(spec: &Spec) -> MySqlConnectOptions {
    let mut o = MySqlConnectOptions::new()
        .host(&spec.host)
        .port(spec.port)
        .username(&spec.username)
        .database(&spec.database)
        .charset("utf8mb4")
        .ssl_mode(if spec.ssl { MySqlSslMode::Required } else { MySqlSslMode::Preferred });
    if let Some(p) = &spec.password {
        o = o.password(p);
    }
    if let Some(tz) = &spec.timezone {
        o = o.timezone(Some(tz.clone()));
    }
    o
}

fn postgres_options(spec: &Spec) -> PgConnectOptions {
    let mut o = PgConnectOptions::new()
        .host(&spec.host)
        .port(spec.port)
        .username(&spec.username)
        .database(&spec.database)
        .application_name("quarry")
        .ssl_mode(if spec.ssl { PgSslMode::Require } else { PgSslMode::Prefer });
    if let Some(p) = &spec.password {
        o = o.password(p);
    }
    if let Some(tz) = &spec.timezone {
        o = o.options([("timezone", tz.as_str())]);
    }
    o
}

/// Opens user SQLite files read-write but never creates one: a typo must not make an empty database.
fn sqlite_options(spec: &Spec) -> Result<SqliteConnectOptions, ConnectError> {
    let path = std::path::Path::new(&spec.database);
    if !path.is_file() {
        return Err(ConnectError::new(Stage::Database, format!("no SQLite file at {}", spec.database)));
    }
    Ok(SqliteConnectOptions::new().filename(path).create_if_missing(false).busy_timeout(spec.timeout))
}

/// Names the stage of a driver error, keeping the server's message.
pub(crate) fn classify(kind: Kind, err: &sqlx::Error) -> ConnectError {
    let stage = match err {
        sqlx::Error::Tls(_) => Stage::Tls,
        sqlx::Error::Io(_) => Stage::TcpConnect,
        sqlx::Error::PoolTimedOut => Stage::Timeout,
        sqlx::Error::Configuration(_) => Stage::Config,
        sqlx::Error::Database(db) => match kind {
            Kind::Postgres => match db.code().as_deref() {
                Some("28P01" | "28000") => Stage::Authentication,
                Some("3D000") => Stage::Database,
                Some("42501") => Stage::Permission,
                _ => Stage::Server,
            },
            Kind::Mysql => {
                let number = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>().map(|e| e.number());
                match number {
                    Some(1045 | 1698) => Stage::Authentication,
                    Some(1049) => Stage::Database,
                    Some(1044 | 1142 | 1227) => Stage::Permission,
                    _ => Stage::Server,
                }
            }
            Kind::Sqlite => match db.code().as_deref() {
                Some("14") => Stage::Database,
                Some("8" | "23") => Stage::Permission,
                _ => Stage::Server,
            },
        },
        _ => Stage::Server,
    };
    let message = match err {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    };
    ConnectError { stage, message }
}

/// Resolves the host and opens a TCP connection, to tell DNS and network failures apart.
pub(crate) async fn reach(spec: &Spec) -> Result<(), ConnectError> {
    let target = format!("{}:{}", spec.host, spec.port);
    let addrs = match tokio::time::timeout(spec.timeout, tokio::net::lookup_host(&target)).await {
        Ok(Ok(addrs)) => addrs.collect::<Vec<_>>(),
        Ok(Err(e)) => {
            return Err(ConnectError::new(Stage::Dns, format!("cannot resolve {}: {e}", spec.host)));
        }
        Err(_) => {
            return Err(ConnectError::new(Stage::Dns, format!("resolving {} timed out", spec.host)));
        }
    };
    let mut last = None;
    for addr in &addrs {
        match tokio::time::timeout(spec.timeout, tokio::net::TcpStream::connect(addr)).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(e)) => last = Some(ConnectError::new(Stage::TcpConnect, format!("cannot connect to {addr}: {e}"))),
            Err(_) => last = Some(ConnectError::new(Stage::Timeout, format!("connecting to {addr} timed out"))),
        }
    }
    Err(last.unwrap_or_else(|| ConnectError::new(Stage::Dns, format!("{} resolves to no address", spec.host))))
}

impl Pool {
    /// Connects once, without retries; used by connection tests.
    pub(crate) async fn connect_once(spec: &Spec) -> Result<Pool, ConnectError> {
        let size = spec.pool_size.max(1);
        let result = match spec.kind {
            Kind::Mysql => MySqlPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(spec.timeout)
                .connect_with(mysql_options(spec))
                .await
                .map(Pool::MySql),
            Kind::Postgres => PgPoolOptions::new()
                .max_connections(size)
                .acquire_timeout(spec.timeout)
                .connect_with(postgres_options(spec))
                .await
                .map(Pool::Postgres),
            Kind::Sqlite => SqlitePoolOptions::new()
                .max_connections(size)
                .acquire_timeout(spec.timeout)
                .connect_with(sqlite_options(spec)?)
                .await
                .map(Pool::Sqlite),
        };
        result.map_err(|e| classify(spec.kind, &e))
    }

    /// Connects, retrying failures that may pass (network, timeouts, server errors) up to
    /// `max_retries` times with exponential backoff from 200 ms. Wrong passwords, missing
    /// databases and bad configurations fail at once.
    pub async fn connect(spec: &Spec) -> Result<Pool, ConnectError> {
        let mut delay = Duration::from_millis(200);
        let mut attempt = 0;
        loop {
            // A quick look at the address first: a refused or unresolvable host fails in
            // milliseconds instead of after the pool's whole acquire timeout.
            let attempt_result = match spec.kind {
                Kind::Sqlite => Pool::connect_once(spec).await,
                _ => match reach(spec).await {
                    Ok(()) => Pool::connect_once(spec).await,
                    Err(e) => Err(e),
                },
            };
            match attempt_result {
                Ok(pool) => return Ok(pool),
                Err(e)
                    if attempt < spec.max_retries
                        && matches!(e.stage, Stage::TcpConnect | Stage::Timeout | Stage::Server | Stage::Dns) =>
                {
                    tracing::warn!(stage = ?e.stage, attempt, "connecting to datasource failed; retrying in {delay:?}");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(10));
                    attempt += 1;
                }
                Err(e) if matches!(e.stage, Stage::TcpConnect | Stage::Timeout) && spec.kind != Kind::Sqlite => {
                    // The driver reports unresolvable names, refused connections and its own
                    // retry timeouts alike; a direct attempt tells them apart.
                    return Err(reach(spec).await.err().unwrap_or(e));
                }
                Err(e) => return Err(e),
            }
        }
    }

    pub fn kind(&self) -> Kind {
        match self {
            Pool::MySql(_) => Kind::Mysql,
            Pool::Postgres(_) => Kind::Postgres,
            Pool::Sqlite(_) => Kind::Sqlite,
        }
    }

    /// Connections in use and idle.
    pub fn usage(&self) -> (u32, u32) {
        let (size, idle) = match self {
            Pool::MySql(p) => (p.size(), p.num_idle()),
            Pool::Postgres(p) => (p.size(), p.num_idle()),
            Pool::Sqlite(p) => (p.size(), p.num_idle()),
        };
        (size.saturating_sub(idle as u32), idle as u32)
    }

    pub async fn close(&self) {
        match self {
            Pool::MySql(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
            Pool::Sqlite(p) => p.close().await,
        }
    }
}
