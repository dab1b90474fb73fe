//! Running compiled queries: the one place where SQL from the query compiler reaches a driver.
//!
//! Statements come only from `query::CompiledQuery` and `query::CompiledWrite` (checked
//! identifiers, bound values); this module is where they are marked `AssertSqlSafe` (the
//! `compiled!` macro serves `write`). Timeouts are enforced by the database
//! (PostgreSQL `statement_timeout`; MySQL/MariaDB `KILL QUERY` when the server's own timer
//! fires) and by the server.

use std::time::Duration;

use futures_util::StreamExt;
use query::{CompiledQuery, Param};
use serde_json::Value;
use sqlx::error::ErrorKind;
use sqlx::{AssertSqlSafe, Connection};
use tokio::sync::mpsc;

use crate::connect::{ConnectError, classify};
use crate::{Kind, Pool, decode};

/// Why a statement did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("the query ran longer than {0:?} and was cancelled")]
    Timeout(Duration),
    /// A unique, foreign-key, not-null, check or exclusion constraint refused a write; the
    /// message is the database's own. Callers answer it as the client's mistake.
    #[error("a constraint refused the change: {message}")]
    Constraint { message: String },
    #[error("{}", .0.message)]
    Database(ConnectError),
}

pub(crate) fn db(kind: Kind, e: sqlx::Error) -> ExecError {
    // Constraints first: their messages quote values, which may contain any word.
    if let sqlx::Error::Database(d) = &e
        && matches!(
            d.kind(),
            ErrorKind::UniqueViolation
                | ErrorKind::ForeignKeyViolation
                | ErrorKind::NotNullViolation
                | ErrorKind::CheckViolation
                | ErrorKind::ExclusionViolation
        )
    {
        return ExecError::Constraint { message: d.message().to_owned() };
    }
    let text = e.to_string().to_lowercase();
    if text.contains("statement timeout") || text.contains("max_statement_time") || text.contains("interrupted") {
        return ExecError::Timeout(Duration::ZERO);
    }
    ExecError::Database(classify(kind, &e))
}

macro_rules! bind_all {
    ($q:expr, $params:expr) => {{
        let mut q = $q;
        for p in $params {
            q = match p {
                query::Param::Null => q.bind(None::<String>),
                query::Param::Bool(b) => q.bind(*b),
                query::Param::Int(i) => q.bind(*i),
                query::Param::Float(f) => q.bind(*f),
                query::Param::Text(t) => q.bind(t.clone()),
            };
        }
        q
    }};
}

/// A statement from the query compiler with its values bound, for `write`: the SQL text is
/// marked safe here and nowhere else.
macro_rules! compiled {
    ($sql:expr, $params:expr) => {
        $crate::exec::bind_all!(sqlx::query(sqlx::AssertSqlSafe($sql)), $params)
    };
}
pub(crate) use {bind_all, compiled};

impl Pool {
    /// Runs a compiled query and returns its rows as typed JSON values, in column order.
    pub async fn fetch_rows(&self, q: &CompiledQuery, timeout: Duration) -> Result<Vec<Vec<Value>>, ExecError> {
        let (tx, mut rx) = mpsc::channel(1024);
        let run = self.stream_rows(q.sql.clone(), q.params.clone(), timeout, tx);
        let collect = async {
            let mut rows = Vec::new();
            while let Some(row) = rx.recv().await {
                rows.push(row);
            }
            rows
        };
        let (outcome, rows) = tokio::join!(run, collect);
        outcome.map(|_| rows)
    }

    /// Runs `SELECT COUNT(*)`, the `@total` of a compiled query.
    pub async fn count(&self, q: &CompiledQuery, timeout: Duration) -> Result<Option<i64>, ExecError> {
        let Some(sql) = &q.count_sql else { return Ok(None) };
        let (tx, mut rx) = mpsc::channel(1);
        let (outcome, row) =
            tokio::join!(self.stream_rows(sql.clone(), q.count_params.clone(), timeout, tx), async { rx.recv().await });
        outcome?;
        Ok(row.and_then(|r| r.first().and_then(|v| v.as_i64().or_else(|| v.as_str().and_then(|s| s.parse().ok())))))
    }

    /// Streams the rows of `sql` into `out` (one message per row), so exports run in
    /// constant memory; a dropped receiver stops the query. Returns the rows sent.
    pub async fn stream_rows(
        &self,
        sql: String,
        params: Vec<Param>,
        timeout: Duration,
        out: mpsc::Sender<Vec<Value>>,
    ) -> Result<u64, ExecError> {
        let kind = self.kind();
        let work = async {
            let mut sent = 0u64;
            match self {
                Pool::Postgres(p) => {
                    let mut conn = p.acquire().await.map_err(|e| db(kind, e))?;
                    let mut tx = conn.begin().await.map_err(|e| db(kind, e))?;
                    pg_statement_timeout(&mut tx, timeout).await.map_err(|e| db(kind, e))?;
                    let query = bind_all!(sqlx::query(AssertSqlSafe(sql.as_str())), &params);
                    let mut rows = query.fetch(&mut *tx);
                    while let Some(row) = rows.next().await {
                        let row = row.map_err(|e| db(kind, e))?;
                        if out.send(decode::pg_row(&row).map_err(|e| db(kind, e))?).await.is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    drop(rows);
                    tx.rollback().await.map_err(|e| db(kind, e))?;
                }
                Pool::MySql(p) => {
                    let mut conn = p.acquire().await.map_err(|e| db(kind, e))?;
                    let killer = mysql_killer(p, &mut conn, timeout).await.map_err(|e| db(kind, e))?;
                    let query = bind_all!(sqlx::query(AssertSqlSafe(sql.as_str())), &params);
                    let mut rows = query.fetch(&mut *conn);
                    let mut failure = None;
                    while let Some(row) = rows.next().await {
                        match row.map_err(|e| db(kind, e)).and_then(|r| decode::mysql_row(&r).map_err(|e| db(kind, e)))
                        {
                            Ok(values) => {
                                if out.send(values).await.is_err() {
                                    break;
                                }
                                sent += 1;
                            }
                            Err(e) => {
                                failure = Some(e);
                                break;
                            }
                        }
                    }
                    drop(rows);
                    let fired = killer.is_finished();
                    killer.abort();
                    // A killed statement may still end "successfully" (SLEEP returns 1): the timer decides.
                    if fired {
                        return Err(ExecError::Timeout(timeout));
                    }
                    if let Some(e) = failure {
                        return Err(e);
                    }
                }
                Pool::Sqlite(p) => {
                    let query = bind_all!(sqlx::query(AssertSqlSafe(sql.as_str())), &params);
                    let mut rows = query.fetch(p);
                    while let Some(row) = rows.next().await {
                        let row = row.map_err(|e| db(kind, e))?;
                        if out.send(decode::sqlite_row(&row).map_err(|e| db(kind, e))?).await.is_err() {
                            break;
                        }
                        sent += 1;
                    }
                }
            }
            Ok(sent)
        };
        // The server's own limit, a little after the database's, in case the database does not stop.
        // Boxed: the three drivers' states make this future large, and every caller's future
        // (HTTP handlers included) would otherwise carry and copy it.
        match tokio::time::timeout(timeout + Duration::from_millis(500), Box::pin(work)).await {
            Ok(Err(ExecError::Timeout(_))) | Err(_) => Err(ExecError::Timeout(timeout)),
            Ok(other) => other,
        }
    }

    /// The database's own plan for a compiled query, as text lines (for warnings and estimates).
    pub async fn explain(&self, q: &CompiledQuery) -> Result<Vec<String>, ExecError> {
        let kind = self.kind();
        let prefix = if kind == Kind::Sqlite { "EXPLAIN QUERY PLAN " } else { "EXPLAIN " };
        let sql = format!("{prefix}{}", q.sql);
        let lines: Vec<String> = match self {
            Pool::Postgres(p) => {
                let rows = bind_all!(sqlx::query(AssertSqlSafe(sql)), &q.params)
                    .fetch_all(p)
                    .await
                    .map_err(|e| db(kind, e))?;
                rows.iter().filter_map(|r| decode::pg_row(r).ok()).map(|v| join(&v)).collect()
            }
            Pool::MySql(p) => {
                let rows = bind_all!(sqlx::query(AssertSqlSafe(sql)), &q.params)
                    .fetch_all(p)
                    .await
                    .map_err(|e| db(kind, e))?;
                let names: Vec<String> = rows.first().map(decode::column_names).unwrap_or_default();
                rows.iter()
                    .filter_map(|r| decode::mysql_row(r).ok())
                    .map(|v| {
                        names.iter().zip(v).map(|(n, v)| format!("{n}={}", plain(&v))).collect::<Vec<_>>().join(" ")
                    })
                    .collect()
            }
            Pool::Sqlite(p) => {
                let rows = bind_all!(sqlx::query(AssertSqlSafe(sql)), &q.params)
                    .fetch_all(p)
                    .await
                    .map_err(|e| db(kind, e))?;
                rows.iter().filter_map(|r| decode::sqlite_row(r).ok()).filter_map(|v| v.last().map(plain)).collect()
            }
        };
        Ok(lines)
    }
}

/// MySQL/MariaDB have no per-transaction statement timeout that every version honours: a timer
/// kills the connection's running statement on the server (not only our wait for it) once
/// `timeout` passes. The caller aborts the timer when done and checks whether it fired.
pub(crate) async fn mysql_killer(
    pool: &sqlx::MySqlPool,
    conn: &mut sqlx::MySqlConnection,
    timeout: Duration,
) -> Result<tokio::task::JoinHandle<()>, sqlx::Error> {
    let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()").fetch_one(&mut *conn).await?;
    let pool = pool.clone();
    Ok(tokio::spawn(async move {
        tokio::time::sleep(timeout).await;
        let _ = sqlx::query("KILL QUERY ?").bind(id).execute(&pool).await;
    }))
}

/// Bounds every statement of the current PostgreSQL transaction by the database's own timer.
pub(crate) async fn pg_statement_timeout(tx: &mut sqlx::PgConnection, timeout: Duration) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT set_config('statement_timeout', $1, true)")
        .bind(format!("{}", timeout.as_millis().max(1)))
        .execute(tx)
        .await
        .map(|_| ())
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn join(values: &[Value]) -> String {
    values.iter().map(plain).collect::<Vec<_>>().join(" ")
}
