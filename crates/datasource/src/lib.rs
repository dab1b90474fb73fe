//! Connections to users' databases: pools, connection tests, schema introspection and typed row decoding.
//!
//! One native driver path per dialect (`Pool::{MySql, Postgres, Sqlite}`), never a
//! lowest-common-denominator driver. This is the only crate that talks to user
//! databases; it knows nothing of the platform's own store.

mod connect;
pub mod decode;
pub mod demo;
mod exec;
mod introspect;
mod probe;
mod write;

use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use connect::{ConnectError, Pool};
pub use exec::ExecError;
pub use introspect::{Column, ForeignKey, Index, Schema, Table};
pub use probe::{ProbeReport, probe};
pub use write::WriteOutcome;

/// The database products Quarry connects to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// MySQL and MariaDB.
    Mysql,
    Postgres,
    Sqlite,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Mysql => "mysql",
            Kind::Postgres => "postgres",
            Kind::Sqlite => "sqlite",
        }
    }

    /// The SQL dialect the query compiler writes for this product.
    pub fn dialect(self) -> query::Dialect {
        match self {
            Kind::Mysql => query::Dialect::MySql,
            Kind::Postgres => query::Dialect::Postgres,
            Kind::Sqlite => query::Dialect::Sqlite,
        }
    }

    pub fn default_port(self) -> Option<u16> {
        match self {
            Kind::Mysql => Some(3306),
            Kind::Postgres => Some(5432),
            Kind::Sqlite => None,
        }
    }
}

/// Everything needed to connect to one database.
#[derive(Clone)]
pub struct Spec {
    pub kind: Kind,
    pub host: String,
    pub port: u16,
    /// The database name, or for SQLite the file path.
    pub database: String,
    pub username: String,
    pub password: Option<String>,
    /// Require TLS (otherwise TLS is used when the server offers it).
    pub ssl: bool,
    /// Session time zone, such as `Asia/Shanghai` or `+08:00`.
    pub timezone: Option<String>,
    pub pool_size: u32,
    /// Connect and acquire timeout.
    pub timeout: Duration,
    /// Further connection attempts after the first fails, with exponential backoff.
    pub max_retries: u32,
}

impl Spec {
    /// A SQLite file with default pool settings (4 connections, 30 s timeout, no retries).
    pub fn sqlite(path: impl Into<String>) -> Spec {
        Spec {
            kind: Kind::Sqlite,
            host: String::new(),
            port: 0,
            database: path.into(),
            username: String::new(),
            password: None,
            ssl: false,
            timezone: None,
            pool_size: 4,
            timeout: Duration::from_secs(30),
            max_retries: 0,
        }
    }
}

impl std::fmt::Debug for Spec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Spec")
            .field("kind", &self.kind)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("ssl", &self.ssl)
            .finish_non_exhaustive()
    }
}

impl Stage {
    /// The stage as clients see it (`tcpConnect`, `authentication`…), matching its JSON form.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Config => "config",
            Stage::Dns => "dns",
            Stage::TcpConnect => "tcpConnect",
            Stage::Tls => "tls",
            Stage::Authentication => "authentication",
            Stage::Database => "database",
            Stage::Permission => "permission",
            Stage::Timeout => "timeout",
            Stage::Server => "server",
        }
    }
}

/// Where a connection attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Stage {
    /// The configuration itself is unusable (bad path, missing field).
    Config,
    /// The host name does not resolve.
    Dns,
    /// Nothing accepts connections at that address and port.
    TcpConnect,
    /// TLS negotiation failed.
    Tls,
    /// Wrong user name or password.
    Authentication,
    /// The database does not exist.
    Database,
    /// The account may not use the database.
    Permission,
    /// The server did not answer in time.
    Timeout,
    /// Anything else the server said.
    Server,
}
