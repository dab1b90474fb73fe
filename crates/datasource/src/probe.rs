//! Connection tests: where a connection fails, or what the server is (version, charset, time zone, read-only).

use std::time::Instant;

use serde::Serialize;
use sqlx::Row;

use crate::connect::{ConnectError, classify, reach};
use crate::{Kind, Pool, Spec, Stage};

/// The answer to "does this datasource work?" (seed 000, section 2.3.2, and more).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProbeReport {
    pub success: bool,
    /// Milliseconds to connect and ask the server who it is.
    pub latency: u64,
    pub version: Option<String>,
    pub charset: Option<String>,
    /// The server's (or session's) time zone.
    pub timezone: Option<String>,
    /// Whether the account can only read.
    pub read_only: Option<bool>,
    /// Where it failed, when it did.
    pub stage: Option<Stage>,
    /// "connected", or the server's own words about what went wrong.
    pub message: String,
}

struct ServerInfo {
    version: String,
    charset: String,
    timezone: String,
    read_only: bool,
}

/// Tests a connection step by step: name resolution, TCP, TLS and login, then server facts.
pub async fn probe(spec: &Spec) -> ProbeReport {
    let started = Instant::now();
    let failed = |e: ConnectError, started: Instant| ProbeReport {
        success: false,
        latency: started.elapsed().as_millis() as u64,
        version: None,
        charset: None,
        timezone: None,
        read_only: None,
        stage: Some(e.stage),
        message: e.message,
    };
    if spec.kind != Kind::Sqlite
        && let Err(e) = reach(spec).await
    {
        return failed(e, started);
    }
    let single = Spec { pool_size: 1, ..spec.clone() };
    let pool = match Pool::connect_once(&single).await {
        Ok(p) => p,
        Err(e) => return failed(e, started),
    };
    let info = server_info(&pool, spec).await;
    pool.close().await;
    match info {
        Ok(info) => ProbeReport {
            success: true,
            latency: started.elapsed().as_millis() as u64,
            version: Some(info.version),
            charset: Some(info.charset),
            timezone: Some(info.timezone),
            read_only: Some(info.read_only),
            stage: None,
            message: "connected".to_owned(),
        },
        Err(e) => failed(e, started),
    }
}

async fn server_info(pool: &Pool, spec: &Spec) -> Result<ServerInfo, ConnectError> {
    let kind = pool.kind();
    let err = |e: sqlx::Error| classify(kind, &e);
    match pool {
        Pool::Postgres(p) => {
            let row = sqlx::query(
                "SELECT current_setting('server_version'), current_setting('server_encoding'), current_setting('TimeZone'), \
                 (current_setting('transaction_read_only') = 'on' OR pg_is_in_recovery()) AS ro, \
                 COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS super, \
                 EXISTS (SELECT 1 FROM information_schema.table_privileges WHERE grantee = current_user \
                         AND privilege_type IN ('INSERT', 'UPDATE', 'DELETE')) AS writes, \
                 has_schema_privilege(current_schema(), 'CREATE') AS creates",
            )
            .fetch_one(p)
            .await
            .map_err(err)?;
            let (ro, superuser, writes, creates): (bool, bool, bool, bool) =
                (row.get(3), row.get(4), row.get(5), row.get(6));
            Ok(ServerInfo {
                version: row.get(0),
                charset: row.get(1),
                timezone: row.get(2),
                read_only: ro || !(superuser || writes || creates),
            })
        }
        Pool::MySql(p) => {
            let row = sqlx::query(
                "SELECT CAST(VERSION() AS CHAR), CAST(@@character_set_database AS CHAR), CAST(@@session.time_zone AS CHAR), \
                 CAST(@@system_time_zone AS CHAR), CAST(@@global.read_only AS SIGNED)",
            )
            .fetch_one(p)
            .await
            .map_err(err)?;
            let grants: Vec<String> = sqlx::query_scalar("SHOW GRANTS").fetch_all(p).await.map_err(err)?;
            let writes = grants.iter().any(|g| {
                let g = g.to_uppercase();
                g.contains("ALL PRIVILEGES") || g.contains("INSERT") || g.contains("UPDATE") || g.contains("DELETE")
            });
            let session_tz: String = row.get(2);
            let global_ro: i64 = row.get(4);
            Ok(ServerInfo {
                version: row.get(0),
                charset: row.get(1),
                timezone: if session_tz == "SYSTEM" { row.get(3) } else { session_tz },
                read_only: global_ro != 0 || !writes,
            })
        }
        Pool::Sqlite(p) => {
            let version: String = sqlx::query_scalar("SELECT sqlite_version()").fetch_one(p).await.map_err(err)?;
            let charset: String = sqlx::query_scalar("PRAGMA encoding").fetch_one(p).await.map_err(err)?;
            let writable = std::fs::OpenOptions::new().write(true).open(&spec.database).is_ok();
            Ok(ServerInfo { version, charset, timezone: "UTC".to_owned(), read_only: !writable })
        }
    }
}
