//! Durable workflow executions: the queue (claimed with a lease and heartbeat), per-node results
//! committed one at a time, and logs.
//!
//! On PostgreSQL several Quarry instances share the queue: a claim takes a transaction-scoped
//! advisory lock, so the per-workflow concurrency count it checks cannot be raced by another
//! instance, and `FOR UPDATE SKIP LOCKED` keeps instances off each other's rows. On SQLite one
//! instance runs them (`BEGIN IMMEDIATE` serialises the claim).

use chrono::{DateTime, Utc};

use crate::{Pool, Result, Store, new_id, with_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExecutionRow {
    pub id: String,
    pub workflow_id: String,
    pub version: i64,
    /// `queued`, `running`, `completed`, `failed` or `cancelled`.
    pub status: String,
    /// `manual`, `webhook` or `schedule`.
    pub trigger_kind: String,
    /// JSON.
    pub input: String,
    /// JSON: timeout, callback URL.
    pub options: String,
    /// JSON.
    pub output: Option<String>,
    pub error: Option<String>,
    pub started_by: Option<String>,
    pub lease_owner: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    pub cancel_requested: bool,
    /// `waiting`, `sending`, `delivered` or `failed` when a callback URL was given.
    pub callback_state: Option<String>,
    pub created_at: DateTime<Utc>,
    pub started_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct NodeRunRow {
    pub execution_id: String,
    pub node_id: String,
    /// `running`, `succeeded`, `failed`, `skipped` or `cancelled`.
    pub status: String,
    /// The edge condition the node's result selects (`success`, `failure`, `true`, `false`).
    pub outcome: Option<String>,
    /// JSON: the config with placeholders filled, as sent.
    pub input: Option<String>,
    /// JSON: the value bound to the node's output name.
    pub output: Option<String>,
    pub error: Option<String>,
    pub attempts: i64,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct LogRow {
    pub id: String,
    pub execution_id: String,
    pub node_id: Option<String>,
    pub level: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// How an execution ended, for [`Store::finish_execution`].
#[derive(Debug, Clone)]
pub struct ExecutionEnd<'a> {
    /// `completed`, `failed` or `cancelled`.
    pub status: &'a str,
    /// JSON.
    pub output: Option<&'a str>,
    pub error: Option<&'a str>,
    /// The execution's last log line.
    pub log: NewLog<'a>,
    pub at: DateTime<Utc>,
}

/// A new log line.
#[derive(Debug, Clone)]
pub struct NewLog<'a> {
    pub node_id: Option<&'a str>,
    pub level: &'a str,
    pub message: &'a str,
}

macro_rules! execution_columns {
    () => {
        "id, workflow_id, version, status, trigger_kind, input, options, output, error, started_by, lease_owner, \
         lease_until, cancel_requested, callback_state, created_at, started_at, completed_at"
    };
}

/// Inserts log lines inside the caller's transaction (a macro: the transaction's type differs
/// per backend).
macro_rules! insert_logs {
    ($tx:expr, $execution_id:expr, $lines:expr, $at:expr) => {
        for line in $lines {
            sqlx::query(
                "INSERT INTO workflow_logs (id, execution_id, node_id, level, message, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(new_id("log"))
            .bind($execution_id)
            .bind(line.node_id)
            .bind(line.level)
            .bind(line.message)
            .bind($at)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

macro_rules! node_columns {
    () => {
        "execution_id, node_id, status, outcome, input, output, error, attempts, started_at, completed_at"
    };
}

const CLAIM_CANDIDATE: &str = concat!(
    "SELECT e.id FROM workflow_executions e JOIN workflows w ON w.id = e.workflow_id ",
    "WHERE (e.status = 'queued' OR (e.status = 'running' AND (e.lease_until IS NULL OR e.lease_until < $1))) ",
    "AND (SELECT COUNT(*) FROM workflow_executions r WHERE r.workflow_id = e.workflow_id ",
    "AND r.status = 'running' AND r.lease_until >= $1) < w.max_concurrency ",
    "ORDER BY e.created_at, e.id LIMIT 1"
);

const CLAIM_UPDATE: &str = concat!(
    "UPDATE workflow_executions SET status = 'running', lease_owner = $2, lease_until = $3, ",
    "started_at = COALESCE(started_at, $4) WHERE id = $1 RETURNING ",
    execution_columns!()
);

impl Store {
    /// Queues an execution (and, for a schedule fire, records the fire in the same transaction,
    /// answering `false` without queueing when another instance recorded it first).
    pub async fn enqueue_execution(&self, row: &ExecutionRow, fire: Option<(&str, DateTime<Utc>)>) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            if let Some((trigger_id, at)) = fire {
                let fresh = sqlx::query(
                    "INSERT INTO workflow_schedule_fires (workflow_id, trigger_id, fire_at, execution_id) \
                     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(&row.workflow_id)
                .bind(trigger_id)
                .bind(at)
                .bind(&row.id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if fresh == 0 {
                    return Ok(false);
                }
            }
            sqlx::query(concat!(
                "INSERT INTO workflow_executions (", execution_columns!(), ") \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
            ))
            .bind(&row.id)
            .bind(&row.workflow_id)
            .bind(row.version)
            .bind(&row.status)
            .bind(&row.trigger_kind)
            .bind(&row.input)
            .bind(&row.options)
            .bind(&row.output)
            .bind(&row.error)
            .bind(&row.started_by)
            .bind(&row.lease_owner)
            .bind(row.lease_until)
            .bind(row.cancel_requested)
            .bind(&row.callback_state)
            .bind(row.created_at)
            .bind(row.started_at)
            .bind(row.completed_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Claims the oldest runnable execution (queued, or running under an expired lease) whose
    /// workflow is below its concurrency limit, leasing it to `owner` until `lease_until`.
    pub async fn claim_execution(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<ExecutionRow>> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut conn = p.acquire().await?;
                sqlx::query(self.begin_read_write()).execute(&mut *conn).await?;
                let claimed = async {
                    let id =
                        sqlx::query_scalar::<_, String>(CLAIM_CANDIDATE).bind(now).fetch_optional(&mut *conn).await?;
                    let Some(id) = id else { return Ok(None) };
                    sqlx::query_as::<_, ExecutionRow>(CLAIM_UPDATE)
                        .bind(id)
                        .bind(owner)
                        .bind(lease_until)
                        .bind(now)
                        .fetch_optional(&mut *conn)
                        .await
                }
                .await;
                let end = if claimed.is_ok() { "COMMIT" } else { "ROLLBACK" };
                sqlx::query(end).execute(&mut *conn).await?;
                Ok(claimed?)
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SELECT pg_advisory_xact_lock(7251293384)").execute(&mut *tx).await?;
                let sql = concat!(
                    "SELECT e.id FROM workflow_executions e JOIN workflows w ON w.id = e.workflow_id ",
                    "WHERE (e.status = 'queued' OR (e.status = 'running' AND (e.lease_until IS NULL OR e.lease_until < $1))) ",
                    "AND (SELECT COUNT(*) FROM workflow_executions r WHERE r.workflow_id = e.workflow_id ",
                    "AND r.status = 'running' AND r.lease_until >= $1) < w.max_concurrency ",
                    "ORDER BY e.created_at, e.id LIMIT 1 FOR UPDATE OF e SKIP LOCKED"
                );
                let id = sqlx::query_scalar::<_, String>(sql).bind(now).fetch_optional(&mut *tx).await?;
                let Some(id) = id else { return Ok(None) };
                let row = sqlx::query_as::<_, ExecutionRow>(CLAIM_UPDATE)
                    .bind(id)
                    .bind(owner)
                    .bind(lease_until)
                    .bind(now)
                    .fetch_optional(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(row)
            }
        }
    }

    /// Extends the leases `owner` holds on `ids`; answers the ids whose cancellation was
    /// requested (by any instance).
    pub async fn renew_leases(&self, owner: &str, ids: &[String], until: DateTime<Utc>) -> Result<Vec<String>> {
        let mut cancelled = Vec::new();
        with_pool!(self, p => {
            for id in ids {
                let flag = sqlx::query_scalar::<_, bool>(
                    "UPDATE workflow_executions SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 \
                     AND status = 'running' RETURNING cancel_requested",
                )
                .bind(id)
                .bind(owner)
                .bind(until)
                .fetch_optional(p)
                .await?;
                if flag == Some(true) {
                    cancelled.push(id.clone());
                }
            }
        });
        Ok(cancelled)
    }

    /// Makes the leases a previous run of this instance left behind claimable at once.
    pub async fn release_leases(&self, owner: &str) -> Result<u64> {
        Ok(with_pool!(self, p => sqlx::query(
            "UPDATE workflow_executions SET lease_until = NULL WHERE lease_owner = $1 AND status = 'running'",
        )
        .bind(owner)
        .execute(p)
        .await?
        .rows_affected()))
    }

    pub async fn execution(&self, id: &str) -> Result<Option<ExecutionRow>> {
        let sql = concat!("SELECT ", execution_columns!(), " FROM workflow_executions WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, ExecutionRow>(sql).bind(id).fetch_optional(p).await?))
    }

    /// A page of a workflow's executions, newest first, optionally of one status.
    pub async fn executions(
        &self,
        workflow_id: &str,
        status: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<ExecutionRow>, i64)> {
        with_pool!(self, p => {
            let total = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM workflow_executions WHERE workflow_id = $1 AND ($2 IS NULL OR status = $2)",
            )
            .bind(workflow_id)
            .bind(status)
            .fetch_one(p)
            .await?;
            let items = sqlx::query_as::<_, ExecutionRow>(concat!(
                "SELECT ", execution_columns!(), " FROM workflow_executions WHERE workflow_id = $1 \
                 AND ($2 IS NULL OR status = $2) ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4"
            ))
            .bind(workflow_id)
            .bind(status)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            Ok((items, total))
        })
    }

    /// Ends an execution held by `owner`, with its last log line, in one transaction. Answers
    /// false (and writes nothing) when the lease was lost to another instance, which then owns
    /// the outcome.
    pub async fn finish_execution(&self, id: &str, owner: &str, end: &ExecutionEnd<'_>) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE workflow_executions SET status = $3, output = $4, error = $5, completed_at = $6, lease_until = NULL, \
                 callback_state = CASE WHEN callback_state IS NULL THEN NULL ELSE 'sending' END \
                 WHERE id = $1 AND lease_owner = $2 AND status = 'running'",
            )
            .bind(id)
            .bind(owner)
            .bind(end.status)
            .bind(end.output)
            .bind(end.error)
            .bind(end.at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                tx.rollback().await?;
                return Ok(false);
            }
            insert_logs!(tx, id, std::slice::from_ref(&end.log), end.at);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Asks for a cancellation. A queued execution is cancelled at once; a running one is
    /// flagged for the instance running it. Answers the status after the request, or `None`
    /// when there is no such execution.
    pub async fn request_cancel(&self, id: &str, at: DateTime<Utc>) -> Result<Option<String>> {
        with_pool!(self, p => {
            sqlx::query(
                "UPDATE workflow_executions SET status = 'cancelled', completed_at = $2, error = 'cancelled before it started' \
                 WHERE id = $1 AND status = 'queued'",
            )
            .bind(id)
            .bind(at)
            .execute(p)
            .await?;
            sqlx::query("UPDATE workflow_executions SET cancel_requested = TRUE WHERE id = $1 AND status = 'running'")
                .bind(id)
                .execute(p)
                .await?;
            Ok(sqlx::query_scalar::<_, String>("SELECT status FROM workflow_executions WHERE id = $1")
                .bind(id)
                .fetch_optional(p)
                .await?)
        })
    }

    /// Puts a failed or cancelled execution back in the queue, keeping the nodes that
    /// succeeded: the others (failed, cancelled, skipped, in flight) run again.
    pub async fn requeue_execution(&self, id: &str) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE workflow_executions SET status = 'queued', error = NULL, output = NULL, completed_at = NULL, \
                 cancel_requested = FALSE, lease_owner = NULL, lease_until = NULL, \
                 callback_state = CASE WHEN callback_state IS NULL THEN NULL ELSE 'waiting' END \
                 WHERE id = $1 AND status IN ('failed', 'cancelled')",
            )
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Ok(false);
            }
            sqlx::query("DELETE FROM workflow_node_runs WHERE execution_id = $1 AND status <> 'succeeded'")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    pub async fn set_callback_state(&self, id: &str, state: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("UPDATE workflow_executions SET callback_state = $2 WHERE id = $1")
            .bind(id)
            .bind(state)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Executions that ended before `before` whose callback is still being sent: the instance
    /// sending it stopped (a delivery with all its retries takes far less time).
    pub async fn stalled_callbacks(&self, before: DateTime<Utc>, limit: i64) -> Result<Vec<ExecutionRow>> {
        let sql = concat!(
            "SELECT ",
            execution_columns!(),
            " FROM workflow_executions WHERE callback_state = 'sending' AND completed_at < $1 ORDER BY completed_at LIMIT $2"
        );
        Ok(with_pool!(self, p => sqlx::query_as::<_, ExecutionRow>(sql).bind(before).bind(limit).fetch_all(p).await?))
    }

    /// Inserts or replaces a node's state, with the log lines it wrote, in one transaction.
    /// Only the lease holder writes, so a node's row is never written by two instances at once.
    pub async fn save_node_run(&self, row: &NodeRunRow, logs: &[NewLog<'_>]) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            insert_logs!(tx, &row.execution_id, logs, row.completed_at.unwrap_or(row.started_at));
            sqlx::query(concat!(
                "INSERT INTO workflow_node_runs (", node_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                 ON CONFLICT (execution_id, node_id) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, \
                 input = excluded.input, output = excluded.output, error = excluded.error, attempts = excluded.attempts, \
                 started_at = excluded.started_at, completed_at = excluded.completed_at"
            ))
            .bind(&row.execution_id)
            .bind(&row.node_id)
            .bind(&row.status)
            .bind(&row.outcome)
            .bind(&row.input)
            .bind(&row.output)
            .bind(&row.error)
            .bind(row.attempts)
            .bind(row.started_at)
            .bind(row.completed_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn node_runs(&self, execution_id: &str) -> Result<Vec<NodeRunRow>> {
        let sql = concat!(
            "SELECT ",
            node_columns!(),
            " FROM workflow_node_runs WHERE execution_id = $1 ORDER BY started_at, node_id"
        );
        Ok(with_pool!(self, p => sqlx::query_as::<_, NodeRunRow>(sql).bind(execution_id).fetch_all(p).await?))
    }

    /// Appends log lines (ids are time-ordered, so reading by id gives the order written).
    pub async fn add_logs(&self, execution_id: &str, lines: &[NewLog<'_>], at: DateTime<Utc>) -> Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            insert_logs!(tx, execution_id, lines, at);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn logs(&self, execution_id: &str) -> Result<Vec<LogRow>> {
        Ok(with_pool!(self, p => sqlx::query_as::<_, LogRow>(
            "SELECT id, execution_id, node_id, level, message, created_at FROM workflow_logs \
             WHERE execution_id = $1 ORDER BY id",
        )
        .bind(execution_id)
        .fetch_all(p)
        .await?))
    }
}
