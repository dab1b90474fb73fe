//! Workflow definitions and their versions, webhook paths, replay protection and schedule fires.
//!
//! Definitions are stored as JSON text, one row per version, so running executions keep the
//! version they started with. Secret values inside a definition are sealed by the engine before
//! they reach this crate.

use chrono::{DateTime, Utc};

use crate::{Result, Store, like_pattern, unique_as_conflict, with_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WorkflowRow {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    /// `draft` or `published`.
    pub status: String,
    /// The latest version.
    pub version: i64,
    /// The version triggers run; `None` while a draft.
    pub published_version: Option<i64>,
    pub published_at: Option<DateTime<Utc>>,
    pub max_concurrency: i64,
    /// Sealed: signs callbacks and verifies webhooks without a secret of their own.
    pub signing_secret: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct WorkflowVersionRow {
    pub workflow_id: String,
    pub version: i64,
    /// The definition as JSON text, secrets sealed.
    pub definition: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Which workflows a listing shows.
#[derive(Debug, Clone, Default)]
pub struct WorkflowFilter {
    pub category: Option<String>,
    pub keyword: Option<String>,
    pub status: Option<String>,
}

macro_rules! workflow_columns {
    () => {
        "id, name, description, category, status, version, published_version, published_at, max_concurrency, \
         signing_secret, created_by, created_at, updated_at"
    };
}

fn hook_conflict(e: sqlx::Error) -> crate::Error {
    unique_as_conflict(e, "webhook path")
}

impl Store {
    /// Creates a workflow with its first version and webhook paths, in one transaction.
    pub async fn create_workflow(&self, row: &WorkflowRow, first: &WorkflowVersionRow, hooks: &[String]) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            sqlx::query(concat!(
                "INSERT INTO workflows (", workflow_columns!(), ") \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ))
            .bind(&row.id)
            .bind(&row.name)
            .bind(&row.description)
            .bind(&row.category)
            .bind(&row.status)
            .bind(row.version)
            .bind(row.published_version)
            .bind(row.published_at)
            .bind(row.max_concurrency)
            .bind(&row.signing_secret)
            .bind(&row.created_by)
            .bind(row.created_at)
            .bind(row.updated_at)
            .execute(&mut *tx)
            .await?;
            insert_version!(&mut *tx, first);
            insert_hooks!(&mut *tx, &row.id, hooks);
            tx.commit().await?;
        });
        Ok(())
    }

    pub async fn workflow(&self, id: &str) -> Result<Option<WorkflowRow>> {
        let sql = concat!("SELECT ", workflow_columns!(), " FROM workflows WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, WorkflowRow>(sql).bind(id).fetch_optional(p).await?))
    }

    /// A page of workflows, newest first, with the total count.
    pub async fn workflows(&self, f: &WorkflowFilter, offset: i64, limit: i64) -> Result<(Vec<WorkflowRow>, i64)> {
        let keyword = f.keyword.as_deref().map(like_pattern);
        with_pool!(self, p => {
            let total = sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM workflows WHERE ($1 IS NULL OR category = $1) AND ($2 IS NULL OR status = $2) \
                 AND ($3 IS NULL OR LOWER(name) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(description, '')) LIKE $3 ESCAPE '\\')",
            )
            .bind(&f.category)
            .bind(&f.status)
            .bind(&keyword)
            .fetch_one(p)
            .await?;
            let items = sqlx::query_as::<_, WorkflowRow>(concat!(
                "SELECT ", workflow_columns!(), " FROM workflows \
                 WHERE ($1 IS NULL OR category = $1) AND ($2 IS NULL OR status = $2) \
                 AND ($3 IS NULL OR LOWER(name) LIKE $3 ESCAPE '\\' OR LOWER(COALESCE(description, '')) LIKE $3 ESCAPE '\\') \
                 ORDER BY created_at DESC, id DESC LIMIT $4 OFFSET $5"
            ))
            .bind(&f.category)
            .bind(&f.status)
            .bind(&keyword)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            Ok((items, total))
        })
    }

    /// Saves a new version (its number must be the row's `version + 1`), the row's new fields and
    /// the webhook paths, in one transaction. Answers false when the workflow is gone or another
    /// save took that version number first.
    pub async fn update_workflow(
        &self,
        row: &WorkflowRow,
        next: &WorkflowVersionRow,
        hooks: &[String],
    ) -> Result<bool> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            let done = sqlx::query(
                "UPDATE workflows SET name = $2, description = $3, category = $4, version = $5, max_concurrency = $6, \
                 updated_at = $7 WHERE id = $1 AND version = $5 - 1",
            )
            .bind(&row.id)
            .bind(&row.name)
            .bind(&row.description)
            .bind(&row.category)
            .bind(next.version)
            .bind(row.max_concurrency)
            .bind(row.updated_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Ok(false);
            }
            insert_version!(&mut *tx, next);
            sqlx::query("DELETE FROM workflow_hooks WHERE workflow_id = $1").bind(&row.id).execute(&mut *tx).await?;
            insert_hooks!(&mut *tx, &row.id, hooks);
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Publishes `version` (triggers fire from then on) or, with `None`, returns to draft.
    pub async fn set_workflow_published(&self, id: &str, version: Option<i64>, at: DateTime<Utc>) -> Result<bool> {
        let status = if version.is_some() { "published" } else { "draft" };
        let done = with_pool!(self, p => sqlx::query(
            "UPDATE workflows SET status = $2, published_version = $3, published_at = $4, updated_at = $5 WHERE id = $1",
        )
        .bind(id)
        .bind(status)
        .bind(version)
        .bind(version.map(|_| at))
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    pub async fn set_signing_secret(&self, id: &str, sealed: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("UPDATE workflows SET signing_secret = $2 WHERE id = $1")
            .bind(id)
            .bind(sealed)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    pub async fn delete_workflow(&self, id: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM workflows WHERE id = $1")
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done > 0)
    }

    pub async fn workflow_version(&self, id: &str, version: i64) -> Result<Option<WorkflowVersionRow>> {
        Ok(with_pool!(self, p => sqlx::query_as::<_, WorkflowVersionRow>(
            "SELECT workflow_id, version, definition, created_by, created_at FROM workflow_versions \
             WHERE workflow_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(p)
        .await?))
    }

    /// Every version of a workflow, newest first (definitions included).
    pub async fn workflow_versions(&self, id: &str) -> Result<Vec<WorkflowVersionRow>> {
        Ok(with_pool!(self, p => sqlx::query_as::<_, WorkflowVersionRow>(
            "SELECT workflow_id, version, definition, created_by, created_at FROM workflow_versions \
             WHERE workflow_id = $1 ORDER BY version DESC",
        )
        .bind(id)
        .fetch_all(p)
        .await?))
    }

    /// The workflow a webhook path belongs to.
    pub async fn workflow_by_hook(&self, path: &str) -> Result<Option<String>> {
        Ok(
            with_pool!(self, p => sqlx::query_scalar::<_, String>("SELECT workflow_id FROM workflow_hooks WHERE path = $1")
            .bind(path)
            .fetch_optional(p)
            .await?),
        )
    }

    /// Records a webhook signature; false when it was seen before (a replay).
    pub async fn remember_signature(&self, workflow_id: &str, signature: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query(
            "INSERT INTO webhook_signatures (workflow_id, signature, seen_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(workflow_id)
        .bind(signature)
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    /// Forgets signatures seen before `before` (they are stale by then and refused anyway).
    pub async fn forget_signatures(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(with_pool!(self, p => sqlx::query("DELETE FROM webhook_signatures WHERE seen_at < $1")
            .bind(before)
            .execute(p)
            .await?
            .rows_affected()))
    }

    /// Records a schedule fire that queued nothing (skipped by the catch-up rule, or refused);
    /// false when it was recorded before.
    pub async fn record_fire(&self, workflow_id: &str, trigger_id: &str, at: DateTime<Utc>) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query(
            "INSERT INTO workflow_schedule_fires (workflow_id, trigger_id, fire_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(workflow_id)
        .bind(trigger_id)
        .bind(at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    /// The last recorded fire of a schedule trigger.
    pub async fn last_fire(&self, workflow_id: &str, trigger_id: &str) -> Result<Option<DateTime<Utc>>> {
        Ok(with_pool!(self, p => sqlx::query_scalar::<_, Option<DateTime<Utc>>>(
            "SELECT MAX(fire_at) FROM workflow_schedule_fires WHERE workflow_id = $1 AND trigger_id = $2",
        )
        .bind(workflow_id)
        .bind(trigger_id)
        .fetch_one(p)
        .await?))
    }
}

/// Inserts a version row inside a transaction.
macro_rules! insert_version {
    ($tx:expr, $v:expr) => {
        sqlx::query(
            "INSERT INTO workflow_versions (workflow_id, version, definition, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&$v.workflow_id)
        .bind($v.version)
        .bind(&$v.definition)
        .bind(&$v.created_by)
        .bind($v.created_at)
        .execute($tx)
        .await?
    };
}
use insert_version;

/// Inserts a workflow's custom webhook paths inside a transaction; a path another workflow
/// already has is a conflict.
macro_rules! insert_hooks {
    ($tx:expr, $workflow_id:expr, $hooks:expr) => {
        for path in $hooks {
            sqlx::query("INSERT INTO workflow_hooks (path, workflow_id) VALUES ($1, $2)")
                .bind(path)
                .bind($workflow_id)
                .execute($tx)
                .await
                .map_err(hook_conflict)?;
        }
    };
}
use insert_hooks;
