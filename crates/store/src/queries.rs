//! Query history and saved query templates.

use chrono::{DateTime, Utc};

use crate::{Result, Store, like_pattern, new_id, with_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct HistoryEntry {
    pub id: String,
    pub user_id: String,
    pub datasource_id: String,
    /// The DSL as JSON text.
    pub query: String,
    pub sql_text: String,
    pub status: String,
    pub row_count: i64,
    pub duration_ms: i64,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct TemplateRow {
    pub id: String,
    pub owner_id: String,
    pub name: String,
    pub description: Option<String>,
    pub category: Option<String>,
    /// A JSON array of strings.
    pub tags: String,
    /// The DSL as JSON text.
    pub query: String,
    pub datasource_id: Option<String>,
    pub is_public: bool,
    pub usage_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which templates a listing shows.
#[derive(Debug, Clone, Default)]
pub struct TemplateFilter {
    /// The caller: their own templates and public ones are visible; `None` sees all (admins).
    pub viewer: Option<String>,
    pub category: Option<String>,
    pub keyword: Option<String>,
    /// Every tag must be present.
    pub tags: Vec<String>,
}

macro_rules! template_columns {
    () => {
        "id, owner_id, name, description, category, tags, query, datasource_id, is_public, usage_count, created_at, updated_at"
    };
}

impl Store {
    /// Records executions, many in one transaction.
    pub async fn add_history(&self, entries: &[HistoryEntry]) -> Result<()> {
        with_pool!(self, p => {
            let mut tx = p.begin().await?;
            for entry in entries {
                sqlx::query(
                    "INSERT INTO query_history (id, user_id, datasource_id, query, sql_text, status, row_count, duration_ms, error, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                )
                .bind(new_id("qh"))
                .bind(&entry.user_id)
                .bind(&entry.datasource_id)
                .bind(&entry.query)
                .bind(&entry.sql_text)
                .bind(&entry.status)
                .bind(entry.row_count)
                .bind(entry.duration_ms)
                .bind(&entry.error)
                .bind(entry.created_at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A user's history, newest first, with the total count.
    pub async fn history(&self, user_id: &str, offset: i64, limit: i64) -> Result<(Vec<HistoryEntry>, i64)> {
        with_pool!(self, p => {
            let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM query_history WHERE user_id = $1")
                .bind(user_id)
                .fetch_one(p)
                .await?;
            let items = sqlx::query_as::<_, HistoryEntry>(
                "SELECT id, user_id, datasource_id, query, sql_text, status, row_count, duration_ms, error, created_at \
                 FROM query_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
            )
            .bind(user_id)
            .bind(limit)
            .bind(offset)
            .fetch_all(p)
            .await?;
            Ok((items, total))
        })
    }

    pub async fn create_template(&self, row: &TemplateRow) -> Result<()> {
        with_pool!(self, p => sqlx::query(concat!(
            "INSERT INTO query_templates (", template_columns!(), ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&row.id)
        .bind(&row.owner_id)
        .bind(&row.name)
        .bind(&row.description)
        .bind(&row.category)
        .bind(&row.tags)
        .bind(&row.query)
        .bind(&row.datasource_id)
        .bind(row.is_public)
        .bind(row.usage_count)
        .bind(row.created_at)
        .bind(row.updated_at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    pub async fn template(&self, id: &str) -> Result<Option<TemplateRow>> {
        let sql = concat!("SELECT ", template_columns!(), " FROM query_templates WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, TemplateRow>(sql).bind(id).fetch_optional(p).await?))
    }

    pub async fn update_template(&self, row: &TemplateRow) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query(
            "UPDATE query_templates SET name = $2, description = $3, category = $4, tags = $5, query = $6, \
             datasource_id = $7, is_public = $8, updated_at = $9 WHERE id = $1",
        )
        .bind(&row.id)
        .bind(&row.name)
        .bind(&row.description)
        .bind(&row.category)
        .bind(&row.tags)
        .bind(&row.query)
        .bind(&row.datasource_id)
        .bind(row.is_public)
        .bind(row.updated_at)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done > 0)
    }

    pub async fn delete_template(&self, id: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM query_templates WHERE id = $1").bind(id).execute(p).await?.rows_affected());
        Ok(done > 0)
    }

    pub async fn count_template_use(&self, id: &str) -> Result<()> {
        with_pool!(self, p => sqlx::query("UPDATE query_templates SET usage_count = usage_count + 1 WHERE id = $1")
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(())
    }

    /// Visible templates matching the filter, newest first (tags are matched in memory).
    pub async fn find_templates(&self, filter: &TemplateFilter) -> Result<Vec<TemplateRow>> {
        let sql = concat!(
            "SELECT ",
            template_columns!(),
            " FROM query_templates WHERE ($1 IS NULL OR owner_id = $1 OR is_public) ",
            "AND ($2 IS NULL OR category = $2) ",
            "AND ($3 IS NULL OR lower(name) LIKE $3 ESCAPE '\\' OR lower(coalesce(description, '')) LIKE $3 ESCAPE '\\') ",
            "ORDER BY updated_at DESC, id"
        );
        let pattern = filter.keyword.as_deref().map(like_pattern);
        let rows = with_pool!(self, p => sqlx::query_as::<_, TemplateRow>(sql)
            .bind(&filter.viewer)
            .bind(&filter.category)
            .bind(&pattern)
            .fetch_all(p)
            .await?);
        Ok(rows
            .into_iter()
            .filter(|r| {
                let tags: Vec<String> = serde_json::from_str(&r.tags).unwrap_or_default();
                filter.tags.iter().all(|t| tags.iter().any(|x| x.eq_ignore_ascii_case(t)))
            })
            .collect())
    }
}
