//! Stored datasource settings. The password column holds only the sealed form; this crate never sees clear text.

use chrono::{DateTime, Utc};

use crate::{Result, Store, unique_as_conflict, with_pool};

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct DatasourceRow {
    pub id: String,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub host: String,
    pub port: i32,
    pub database_name: String,
    pub username: String,
    pub password_enc: Option<String>,
    pub ssl: bool,
    pub timezone: Option<String>,
    pub pool_size: i32,
    pub timeout_ms: i64,
    pub max_retries: i32,
    pub is_default: bool,
    pub read_only: bool,
    /// A JSON array of role names; empty means every role holding the permission.
    pub allowed_roles: String,
    /// A JSON array of table names that refuse writes through the gateway.
    pub read_only_tables: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! ds_columns {
    () => {
        "id, code, name, kind, host, port, database_name, username, password_enc, ssl, timezone, pool_size, \
         timeout_ms, max_retries, is_default, read_only, allowed_roles, created_by, created_at, updated_at, \
         read_only_tables"
    };
}

/// Maps a unique violation on datasources to what was duplicated.
fn ds_conflict(e: sqlx::Error) -> crate::Error {
    let what = match &e {
        sqlx::Error::Database(db) => {
            let msg = db.message().to_lowercase();
            let constraint = db.constraint().unwrap_or_default().to_lowercase();
            if constraint.contains("code") || msg.contains("code") {
                "datasource code"
            } else if constraint.contains("default") || msg.contains("is_default") {
                "default datasource"
            } else {
                "datasource name"
            }
        }
        _ => "datasource",
    };
    unique_as_conflict(e, what)
}

impl Store {
    /// Inserts a datasource; when it is the default, the previous default stops being one.
    pub async fn create_datasource(&self, row: &DatasourceRow) -> Result<()> {
        let begin = self.begin_read_write();
        with_pool!(self, p => {
            let mut tx = p.begin_with(begin).await?;
            if row.is_default {
                sqlx::query("UPDATE datasources SET is_default = FALSE WHERE is_default").execute(&mut *tx).await?;
            }
            sqlx::query(concat!(
                "INSERT INTO datasources (", ds_columns!(), ") VALUES ",
                "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)"
            ))
            .bind(&row.id)
            .bind(&row.code)
            .bind(&row.name)
            .bind(&row.kind)
            .bind(&row.host)
            .bind(row.port)
            .bind(&row.database_name)
            .bind(&row.username)
            .bind(&row.password_enc)
            .bind(row.ssl)
            .bind(&row.timezone)
            .bind(row.pool_size)
            .bind(row.timeout_ms)
            .bind(row.max_retries)
            .bind(row.is_default)
            .bind(row.read_only)
            .bind(&row.allowed_roles)
            .bind(&row.created_by)
            .bind(row.created_at)
            .bind(row.updated_at)
            .bind(&row.read_only_tables)
            .execute(&mut *tx)
            .await
            .map_err(ds_conflict)?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Replaces every setting of a datasource (its id and creation stay).
    pub async fn update_datasource(&self, row: &DatasourceRow) -> Result<bool> {
        let begin = self.begin_read_write();
        let changed = with_pool!(self, p => {
            let mut tx = p.begin_with(begin).await?;
            if row.is_default {
                sqlx::query("UPDATE datasources SET is_default = FALSE WHERE is_default AND id <> $1")
                    .bind(&row.id)
                    .execute(&mut *tx)
                    .await?;
            }
            let changed = sqlx::query(
                "UPDATE datasources SET code = $2, name = $3, kind = $4, host = $5, port = $6, database_name = $7, \
                 username = $8, password_enc = $9, ssl = $10, timezone = $11, pool_size = $12, timeout_ms = $13, \
                 max_retries = $14, is_default = $15, read_only = $16, allowed_roles = $17, updated_at = $18, \
                 read_only_tables = $19 WHERE id = $1",
            )
            .bind(&row.id)
            .bind(&row.code)
            .bind(&row.name)
            .bind(&row.kind)
            .bind(&row.host)
            .bind(row.port)
            .bind(&row.database_name)
            .bind(&row.username)
            .bind(&row.password_enc)
            .bind(row.ssl)
            .bind(&row.timezone)
            .bind(row.pool_size)
            .bind(row.timeout_ms)
            .bind(row.max_retries)
            .bind(row.is_default)
            .bind(row.read_only)
            .bind(&row.allowed_roles)
            .bind(row.updated_at)
            .bind(&row.read_only_tables)
            .execute(&mut *tx)
            .await
            .map_err(ds_conflict)?
            .rows_affected();
            tx.commit().await?;
            changed
        });
        Ok(changed > 0)
    }

    pub async fn datasource(&self, id: &str) -> Result<Option<DatasourceRow>> {
        let sql = concat!("SELECT ", ds_columns!(), " FROM datasources WHERE id = $1");
        Ok(with_pool!(self, p => sqlx::query_as::<_, DatasourceRow>(sql).bind(id).fetch_optional(p).await?))
    }

    /// Every datasource, by name.
    pub async fn all_datasources(&self) -> Result<Vec<DatasourceRow>> {
        let sql = concat!("SELECT ", ds_columns!(), " FROM datasources ORDER BY lower(name), id");
        Ok(with_pool!(self, p => sqlx::query_as::<_, DatasourceRow>(sql).fetch_all(p).await?))
    }

    pub async fn delete_datasource(&self, id: &str) -> Result<bool> {
        let done = with_pool!(self, p => sqlx::query("DELETE FROM datasources WHERE id = $1")
            .bind(id)
            .execute(p)
            .await?
            .rows_affected());
        Ok(done > 0)
    }
}
