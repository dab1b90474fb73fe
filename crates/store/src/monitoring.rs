//! Monitoring state: per-minute metric rollups (one row per instance and minute, summed when
//! read), alert rules with their state and history, and single-use realtime tickets.

use chrono::{DateTime, Utc};
use sqlx::Row;
use telemetry::Totals;

use crate::{Result, Store, new_id, with_pool};

/// One bucket of summed rollups: its index from the range's origin, and the totals.
#[derive(Debug, Clone, PartialEq)]
pub struct RollupBucket {
    pub index: i64,
    pub totals: Totals,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AlertRuleRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub metric: String,
    /// `>`, `>=`, `<`, `<=`, `==` or `!=`.
    pub comparison: String,
    pub threshold: f64,
    pub window_minutes: i64,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub enabled: bool,
    /// `ok` or `firing`.
    pub state: String,
    pub last_value: Option<f64>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub changed_at: Option<DateTime<Utc>>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct AlertEventRow {
    pub id: String,
    pub rule_id: String,
    pub rule_name: String,
    /// `firing` or `resolved`.
    pub state: String,
    pub value: Option<f64>,
    pub threshold: f64,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

macro_rules! rollup_columns {
    () => {
        "api_requests, api_errors, api_duration_us, query_count, query_errors, query_duration_us, query_rows, \
         workflow_count, workflow_failed, workflow_duration_us, cache_hits, cache_misses"
    };
}

/// Adds the proposed row's totals to the existing row `r`'s.
macro_rules! rollup_sums {
    () => {
        "api_requests = r.api_requests + excluded.api_requests, api_errors = r.api_errors + excluded.api_errors, \
         api_duration_us = r.api_duration_us + excluded.api_duration_us, query_count = r.query_count + excluded.query_count, \
         query_errors = r.query_errors + excluded.query_errors, query_duration_us = r.query_duration_us + excluded.query_duration_us, \
         query_rows = r.query_rows + excluded.query_rows, workflow_count = r.workflow_count + excluded.workflow_count, \
         workflow_failed = r.workflow_failed + excluded.workflow_failed, \
         workflow_duration_us = r.workflow_duration_us + excluded.workflow_duration_us, \
         cache_hits = r.cache_hits + excluded.cache_hits, cache_misses = r.cache_misses + excluded.cache_misses"
    };
}

macro_rules! rule_columns {
    () => {
        "id, name, description, metric, comparison, threshold, window_minutes, severity, enabled, state, last_value, \
         evaluated_at, changed_at, created_by, created_at, updated_at"
    };
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Totals from twelve integer columns starting at `first` (sums: `NULL` when nothing matched).
fn totals_from<R>(row: &R, first: usize) -> Result<Totals>
where
    R: Row,
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let g = |i: usize| -> Result<u64> {
        Ok(u64::try_from(row.try_get::<Option<i64>, _>(first + i)?.unwrap_or(0)).unwrap_or(0))
    };
    Ok(Totals {
        api_requests: g(0)?,
        api_errors: g(1)?,
        api_duration_us: g(2)?,
        query_count: g(3)?,
        query_errors: g(4)?,
        query_duration_us: g(5)?,
        query_rows: g(6)?,
        workflow_count: g(7)?,
        workflow_failed: g(8)?,
        workflow_duration_us: g(9)?,
        cache_hits: g(10)?,
        cache_misses: g(11)?,
    })
}

impl Store {
    /// Adds `t` to this instance's rows for `minute` (epoch seconds, a multiple of 60) and
    /// for its hour, in one transaction.
    pub async fn add_rollup(&self, minute: i64, instance_id: &str, t: &Totals) -> Result<()> {
        macro_rules! upsert {
            ($table:literal, $key:literal) => {
                concat!(
                    "INSERT INTO ",
                    $table,
                    " AS r (",
                    $key,
                    ", instance_id, ",
                    rollup_columns!(),
                    ") ",
                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ",
                    "ON CONFLICT (",
                    $key,
                    ", instance_id) DO UPDATE SET ",
                    rollup_sums!()
                )
            };
        }
        let rows = [
            (upsert!("metric_rollups", "minute"), minute),
            (upsert!("metric_rollups_hourly", "hour"), minute.div_euclid(3600) * 3600),
        ];
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            for (sql, key) in rows {
                sqlx::query(sql)
                    .bind(key)
                    .bind(instance_id)
                    .bind(to_i64(t.api_requests))
                    .bind(to_i64(t.api_errors))
                    .bind(to_i64(t.api_duration_us))
                    .bind(to_i64(t.query_count))
                    .bind(to_i64(t.query_errors))
                    .bind(to_i64(t.query_duration_us))
                    .bind(to_i64(t.query_rows))
                    .bind(to_i64(t.workflow_count))
                    .bind(to_i64(t.workflow_failed))
                    .bind(to_i64(t.workflow_duration_us))
                    .bind(to_i64(t.cache_hits))
                    .bind(to_i64(t.cache_misses))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Rollups of minutes in `[from, to)` (epoch seconds), summed over instances and grouped
    /// into buckets of `step` seconds counted from `from`. Buckets without rows are absent.
    /// Whole hours come from the hourly rows when the buckets are made of whole hours.
    pub async fn rollup_buckets(&self, from: i64, to: i64, step: i64) -> Result<Vec<RollupBucket>> {
        let step = step.max(60);
        if step % 3600 != 0 || from % 3600 != 0 {
            return self.buckets_of(false, from, from, to, step).await;
        }
        let whole = to.div_euclid(3600) * 3600;
        let mut out = self.buckets_of(true, from, from, whole.max(from), step).await?;
        if whole < to {
            for b in self.buckets_of(false, from, whole.max(from), to, step).await? {
                match out.iter_mut().find(|o| o.index == b.index) {
                    Some(o) => o.totals += &b.totals,
                    None => out.push(b),
                }
            }
        }
        Ok(out)
    }

    /// Buckets of `step` counted from `origin`, over rows keyed in `[from, to)`.
    async fn buckets_of(&self, hourly: bool, origin: i64, from: i64, to: i64, step: i64) -> Result<Vec<RollupBucket>> {
        if from >= to {
            return Ok(Vec::new());
        }
        macro_rules! select {
            ($table:literal, $key:literal) => {
                concat!(
                    "SELECT (", $key, " - $1) / $4 AS bucket, ",
                    "CAST(SUM(api_requests) AS BIGINT), CAST(SUM(api_errors) AS BIGINT), CAST(SUM(api_duration_us) AS BIGINT), ",
                    "CAST(SUM(query_count) AS BIGINT), CAST(SUM(query_errors) AS BIGINT), CAST(SUM(query_duration_us) AS BIGINT), ",
                    "CAST(SUM(query_rows) AS BIGINT), CAST(SUM(workflow_count) AS BIGINT), CAST(SUM(workflow_failed) AS BIGINT), ",
                    "CAST(SUM(workflow_duration_us) AS BIGINT), CAST(SUM(cache_hits) AS BIGINT), CAST(SUM(cache_misses) AS BIGINT) ",
                    "FROM ", $table, " WHERE ", $key, " >= $2 AND ", $key, " < $3 GROUP BY bucket ORDER BY bucket"
                )
            };
        }
        let sql = if hourly { select!("metric_rollups_hourly", "hour") } else { select!("metric_rollups", "minute") };
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(origin).bind(from).bind(to).bind(step).fetch_all(p).await?;
            rows.iter()
                .map(|r| Ok(RollupBucket { index: r.try_get::<i64, _>(0)?, totals: totals_from(r, 1)? }))
                .collect()
        })
    }

    /// Forgets rollups of minutes (and whole hours) before `before` (epoch seconds).
    pub async fn prune_rollups(&self, before: i64) -> Result<u64> {
        Ok(with_pool!(self, p => {
            let hours = sqlx::query("DELETE FROM metric_rollups_hourly WHERE hour + 3600 <= $1")
                .bind(before)
                .execute(p)
                .await?
                .rows_affected();
            hours + sqlx::query("DELETE FROM metric_rollups WHERE minute < $1")
                .bind(before)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    pub async fn insert_alert_rule(&self, r: &AlertRuleRow) -> Result<()> {
        let sql = concat!(
            "INSERT INTO alert_rules (",
            rule_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
        );
        with_pool!(self, p => sqlx::query(sql)
            .bind(&r.id)
            .bind(&r.name)
            .bind(&r.description)
            .bind(&r.metric)
            .bind(&r.comparison)
            .bind(r.threshold)
            .bind(r.window_minutes)
            .bind(&r.severity)
            .bind(r.enabled)
            .bind(&r.state)
            .bind(r.last_value)
            .bind(r.evaluated_at)
            .bind(r.changed_at)
            .bind(&r.created_by)
            .bind(r.created_at)
            .bind(r.updated_at)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Replaces a rule's definition; a changed rule starts again from `ok`. Answers false when
    /// there is no such rule.
    pub async fn update_alert_rule(&self, r: &AlertRuleRow) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query(
            "UPDATE alert_rules SET name = $2, description = $3, metric = $4, comparison = $5, threshold = $6, \
             window_minutes = $7, severity = $8, enabled = $9, state = 'ok', last_value = NULL, evaluated_at = NULL, \
             updated_at = $10 WHERE id = $1",
        )
        .bind(&r.id)
        .bind(&r.name)
        .bind(&r.description)
        .bind(&r.metric)
        .bind(&r.comparison)
        .bind(r.threshold)
        .bind(r.window_minutes)
        .bind(&r.severity)
        .bind(r.enabled)
        .bind(r.updated_at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    pub async fn delete_alert_rule(&self, id: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM alert_rules WHERE id = $1")
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    pub async fn alert_rule(&self, id: &str) -> Result<Option<AlertRuleRow>> {
        let sql = concat!("SELECT ", rule_columns!(), " FROM alert_rules WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, AlertRuleRow>(sql).bind(id).fetch_optional(p).await?))
    }

    pub async fn alert_rules(&self) -> Result<Vec<AlertRuleRow>> {
        let sql = concat!("SELECT ", rule_columns!(), " FROM alert_rules ORDER BY created_at, id");
        Ok(with_pool!(self, p => sqlx::query_as::<_, AlertRuleRow>(sql).fetch_all(p).await?))
    }

    /// Records an evaluation. When `to` differs from `from`, the state changes only if it is
    /// still `from` (so of several instances evaluating the same rule exactly one records the
    /// change), and the event is written in the same transaction; answers the event then.
    pub async fn record_alert_evaluation(
        &self,
        rule: &AlertRuleRow,
        to: &str,
        value: Option<f64>,
        message: &str,
        at: DateTime<Utc>,
    ) -> Result<Option<AlertEventRow>> {
        with_pool!(self, p => {
            if to == rule.state {
                sqlx::query("UPDATE alert_rules SET last_value = $2, evaluated_at = $3 WHERE id = $1")
                    .bind(&rule.id)
                    .bind(value)
                    .bind(at)
                    .execute(p)
                    .await?;
                return Ok(None);
            }
            let mut tx = p.begin().await?;
            let changed = sqlx::query(
                "UPDATE alert_rules SET state = $3, last_value = $4, evaluated_at = $5, changed_at = $5 \
                 WHERE id = $1 AND state = $2 AND updated_at = $6",
            )
            .bind(&rule.id)
            .bind(&rule.state)
            .bind(to)
            .bind(value)
            .bind(at)
            .bind(rule.updated_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                tx.rollback().await?;
                return Ok(None);
            }
            let event = AlertEventRow {
                id: new_id("alev"),
                rule_id: rule.id.clone(),
                rule_name: rule.name.clone(),
                state: if to == "firing" { "firing" } else { "resolved" }.into(),
                value,
                threshold: rule.threshold,
                message: message.to_owned(),
                created_at: at,
            };
            sqlx::query(
                "INSERT INTO alert_events (id, rule_id, rule_name, state, value, threshold, message, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(&event.id)
            .bind(&event.rule_id)
            .bind(&event.rule_name)
            .bind(&event.state)
            .bind(event.value)
            .bind(event.threshold)
            .bind(&event.message)
            .bind(event.created_at)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(event))
        })
    }

    /// Alert history, newest first, optionally of one rule.
    pub async fn alert_events(
        &self,
        rule_id: Option<&str>,
        offset: i64,
        limit: i64,
    ) -> Result<(Vec<AlertEventRow>, i64)> {
        with_pool!(self, p => {
            let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM alert_events WHERE ($1 IS NULL OR rule_id = $1)")
                .bind(rule_id)
                .fetch_one(p)
                .await?;
            let items = sqlx::query_as::<_, AlertEventRow>(
                "SELECT id, rule_id, rule_name, state, value, threshold, message, created_at FROM alert_events \
                 WHERE ($1 IS NULL OR rule_id = $1) ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            )
            .bind(rule_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            Ok((items, total))
        })
    }

    /// Stores a realtime ticket (its hash) for a user's session.
    pub async fn insert_realtime_ticket(
        &self,
        hash: &str,
        user_id: &str,
        session_id: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        with_pool!(self, p => sqlx::query(
            "INSERT INTO realtime_tickets (id, user_id, session_id, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(hash)
        .bind(user_id)
        .bind(session_id)
        .bind(expires_at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Uses a ticket once: answers its `(user_id, session_id)` if it exists, is unused and has
    /// not expired, and marks it used in the same statement.
    pub async fn use_realtime_ticket(&self, hash: &str, now: DateTime<Utc>) -> Result<Option<(String, String)>> {
        let row = with_pool!(self, p => sqlx::query_as::<_, (String, String)>(
            "UPDATE realtime_tickets SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 \
             RETURNING user_id, session_id",
        )
        .bind(hash)
        .bind(now)
        .fetch_optional(p)
        .await?);
        Ok(row)
    }

    /// Forgets tickets that expired before `before`.
    pub async fn prune_realtime_tickets(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, p => sqlx::query("DELETE FROM realtime_tickets WHERE expires_at < $1")
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()))
    }
}
