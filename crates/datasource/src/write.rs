//! Running write statements from `query::write`: all of them in one transaction, in order,
//! committed only when every one succeeded (and the caller asked for a commit).

use std::time::Duration;

use query::CompiledWrite;
use serde::Serialize;
use serde_json::Value;
use sqlx::Connection;

use crate::exec::{ExecError, compiled, db, mysql_killer, pg_statement_timeout};
use crate::{Pool, decode};

/// What one write statement did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WriteOutcome {
    /// Rows inserted, updated or deleted (rows matched, for updates on MySQL/MariaDB too).
    pub affected: u64,
    /// The rows of `RETURNING` (an insert's primary key), typed like query results.
    pub returned: Vec<Vec<Value>>,
}

/// Runs every statement on the transaction `$tx` in order, stopping at the first failure.
macro_rules! run_all {
    ($tx:expr, $statements:expr, $kind:expr, $decode:path) => {
        async {
            let mut outcomes = Vec::with_capacity($statements.len());
            for s in $statements {
                let statement = compiled!(s.sql.as_str(), &s.params);
                let outcome = if s.returning.is_empty() {
                    let done = statement.execute(&mut *$tx).await.map_err(|e| db($kind, e))?;
                    WriteOutcome { affected: done.rows_affected(), returned: Vec::new() }
                } else {
                    let rows = statement.fetch_all(&mut *$tx).await.map_err(|e| db($kind, e))?;
                    let returned =
                        rows.iter().map(|r| $decode(r).map_err(|e| db($kind, e))).collect::<Result<Vec<_>, _>>()?;
                    WriteOutcome { affected: returned.len() as u64, returned }
                };
                outcomes.push(outcome);
            }
            Ok::<_, ExecError>(outcomes)
        }
        .await
    };
}

/// Ends the transaction: committed after success when `$commit`, otherwise rolled back.
macro_rules! settle {
    ($tx:expr, $result:expr, $commit:expr, $kind:expr) => {
        match $result {
            Ok(outcomes) if $commit => $tx.commit().await.map(|()| outcomes).map_err(|e| db($kind, e)),
            Ok(outcomes) => $tx.rollback().await.map(|()| outcomes).map_err(|e| db($kind, e)),
            Err(e) => {
                // The first error is the answer; a failed rollback ends with the connection anyway.
                let _ = $tx.rollback().await;
                Err(e)
            }
        }
    };
}

impl Pool {
    /// Runs `statements` in one transaction, in order, and returns what each did. Any failure
    /// rolls back all of them; with `commit` false everything is rolled back at the end even
    /// after success (a dry run that still reports affected rows and generated keys).
    ///
    /// Constraint violations come back as [`ExecError::Constraint`]. `timeout` bounds each
    /// statement on the database (PostgreSQL `statement_timeout`; MySQL/MariaDB `KILL QUERY`
    /// after `timeout` from the start) and the whole run on the server, as for queries.
    pub async fn execute_writes(
        &self,
        statements: &[CompiledWrite],
        commit: bool,
        timeout: Duration,
    ) -> Result<Vec<WriteOutcome>, ExecError> {
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        let kind = self.kind();
        let work = async {
            match self {
                Pool::Postgres(p) => {
                    let mut tx = p.begin().await.map_err(|e| db(kind, e))?;
                    pg_statement_timeout(&mut tx, timeout).await.map_err(|e| db(kind, e))?;
                    let result = run_all!(tx, statements, kind, decode::pg_row);
                    settle!(tx, result, commit, kind)
                }
                Pool::MySql(p) => {
                    let mut conn = p.acquire().await.map_err(|e| db(kind, e))?;
                    let killer = mysql_killer(p, &mut conn, timeout).await.map_err(|e| db(kind, e))?;
                    let mut tx = conn.begin().await.map_err(|e| db(kind, e))?;
                    let result = run_all!(tx, statements, kind, decode::mysql_row);
                    let fired = killer.is_finished();
                    killer.abort();
                    // Past the limit nothing is committed, whatever the last statement said.
                    let result = if fired { Err(ExecError::Timeout(timeout)) } else { result };
                    settle!(tx, result, commit, kind)
                }
                Pool::Sqlite(p) => {
                    // IMMEDIATE takes the write lock at once, so a concurrent writer waits for
                    // the busy timeout instead of failing when a read lock would be upgraded.
                    let mut tx = p.begin_with("BEGIN IMMEDIATE").await.map_err(|e| db(kind, e))?;
                    let result = run_all!(tx, statements, kind, decode::sqlite_row);
                    settle!(tx, result, commit, kind)
                }
            }
        };
        // The server's own limit, a little after the database's. Dropping the transaction on
        // expiry rolls it back.
        match tokio::time::timeout(timeout + Duration::from_millis(500), work).await {
            Ok(Err(ExecError::Timeout(_))) | Err(_) => Err(ExecError::Timeout(timeout)),
            Ok(other) => other,
        }
    }
}
