//! Datasource settings as submitted, checked all at once into a connection spec and a row.

use std::time::Duration;

use chrono::{DateTime, Utc};
use datasource::{Kind, Spec};
use errors::FieldError;
use store::DatasourceRow;

use crate::{Error, Result, SqlitePolicy};

/// A new datasource, or changes to one (absent fields keep their stored values).
#[derive(Debug, Clone, Default)]
pub struct DatasourceInput {
    pub name: Option<String>,
    pub code: Option<String>,
    pub kind: Option<String>,
    pub connection: Option<ConnectionInput>,
    pub options: Option<OptionsInput>,
    pub is_default: Option<bool>,
    pub read_only: Option<bool>,
    pub allowed_roles: Option<Vec<String>>,
    /// Tables that refuse writes through the gateway, even when the datasource accepts them.
    pub read_only_tables: Option<Vec<String>>,
    /// Test the connection before saving (default true).
    pub verify: Option<bool>,
}

#[derive(Clone, Default)]
pub struct ConnectionInput {
    pub host: Option<String>,
    pub port: Option<i64>,
    pub database: Option<String>,
    pub username: Option<String>,
    /// Absent keeps the stored password; an empty string removes it.
    pub password: Option<String>,
    pub ssl: Option<bool>,
    pub timezone: Option<String>,
}

impl std::fmt::Debug for ConnectionInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionInput")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Default)]
pub struct OptionsInput {
    pub pool_size: Option<i64>,
    /// Milliseconds.
    pub timeout: Option<i64>,
    pub max_retries: Option<i64>,
}

pub(crate) struct Checked {
    pub spec: Spec,
    code: String,
    name: String,
    is_default: bool,
    read_only: bool,
    allowed_roles: Vec<String>,
    read_only_tables: Vec<String>,
}

/// Whether `code` fits `^[a-zA-Z][a-zA-Z0-9_]+[a-zA-Z0-9]$` (and at most 64 characters).
pub fn valid_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() >= 3
        && b.len() <= 64
        && b[0].is_ascii_alphabetic()
        && b[b.len() - 1].is_ascii_alphanumeric()
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A code from a display name: ASCII letters and digits, other runs become `_`.
fn derive_code(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let mut code = out.trim_matches('_').to_owned();
    if !code.starts_with(|c: char| c.is_ascii_alphabetic()) {
        code = format!("ds_{code}");
    }
    code.truncate(60);
    let code = code.trim_end_matches('_').to_owned();
    if valid_code(&code) {
        code
    } else {
        // Names without ASCII letters (say, 生产数据库) get a short unique code.
        let id = store::new_id("ds");
        format!("ds_{}", &id[id.len() - 8..])
    }
}

fn kind_of(text: &str) -> Option<Kind> {
    match text.to_ascii_lowercase().as_str() {
        "mysql" | "mariadb" => Some(Kind::Mysql),
        "postgres" | "postgresql" | "pg" => Some(Kind::Postgres),
        "sqlite" => Some(Kind::Sqlite),
        _ => None,
    }
}

fn in_range(errors: &mut Vec<FieldError>, path: &str, value: i64, lo: i64, hi: i64) -> i64 {
    if !(lo..=hi).contains(&value) {
        errors.push(FieldError::new(path, "out_of_range", format!("must be between {lo} and {hi}")));
    }
    value.clamp(lo, hi)
}

impl DatasourceInput {
    /// Checks every field (against `existing` settings on update) and collects all problems.
    pub(crate) fn check(
        &self,
        existing: Option<(&DatasourceRow, Option<String>)>,
        policy: &SqlitePolicy,
    ) -> Result<Checked> {
        let mut errors = Vec::new();
        let old = existing.as_ref().map(|(row, _)| *row);
        let conn = self.connection.clone().unwrap_or_default();
        let opts = self.options.clone().unwrap_or_default();

        let name = self.name.clone().or_else(|| old.map(|r| r.name.clone())).unwrap_or_default().trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(FieldError::new("name", "required", "is required, at most 100 characters"));
        }
        let code = match (&self.code, old) {
            (Some(code), _) => {
                if !valid_code(code) {
                    errors.push(FieldError::new(
                        "code",
                        "invalid",
                        "must match ^[a-zA-Z][a-zA-Z0-9_]+[a-zA-Z0-9]$ (3 to 64 characters)",
                    ));
                }
                code.clone()
            }
            (None, Some(r)) => r.code.clone(),
            (None, None) => derive_code(&name),
        };
        let kind_text = self.kind.clone().or_else(|| old.map(|r| r.kind.clone())).unwrap_or_default();
        let kind = kind_of(&kind_text);
        if kind.is_none() {
            errors.push(FieldError::new("type", "invalid", "must be mysql (also MariaDB), postgres or sqlite"));
        }
        let kind = kind.unwrap_or(Kind::Sqlite);
        if let (Some(old), Some(_)) = (old, &self.kind)
            && old.kind != kind.as_str()
        {
            errors.push(FieldError::new("type", "immutable", "cannot change; create a new datasource"));
        }

        let pick =
            |new: &Option<String>, old: Option<&String>| new.clone().or_else(|| old.cloned()).unwrap_or_default();
        let host = pick(&conn.host, old.map(|r| &r.host)).trim().to_owned();
        let mut database = pick(&conn.database, old.map(|r| &r.database_name)).trim().to_owned();
        let username = pick(&conn.username, old.map(|r| &r.username)).trim().to_owned();
        let port = conn.port.or(old.map(|r| r.port as i64)).filter(|p| *p != 0).or(kind.default_port().map(i64::from));
        if kind == Kind::Sqlite {
            match policy.check(&database) {
                Ok(real) => database = real.display().to_string(),
                Err(why) => errors.push(FieldError::new("connection.database", "refused", why)),
            }
        } else {
            if host.is_empty() || host.len() > 255 || host.contains(char::is_whitespace) {
                errors.push(FieldError::new("connection.host", "required", "is required: a host name or address"));
            }
            if database.is_empty() || database.len() > 128 {
                errors.push(FieldError::new("connection.database", "required", "is required: the database name"));
            }
            if username.is_empty() || username.len() > 128 {
                errors.push(FieldError::new("connection.username", "required", "is required"));
            }
        }
        let port = match kind {
            Kind::Sqlite => 0,
            _ => in_range(&mut errors, "connection.port", port.unwrap_or(0), 1, 65535),
        };
        let password = match (&conn.password, existing.as_ref()) {
            (Some(p), _) if p.is_empty() => None,
            (Some(p), _) => Some(p.clone()),
            (None, Some((_, stored))) => stored.clone(),
            (None, None) => None,
        };
        let timezone = conn.timezone.clone().or_else(|| old.and_then(|r| r.timezone.clone())).filter(|t| !t.is_empty());
        if let Some(tz) = &timezone
            && (tz.len() > 64 || !tz.chars().all(|c| c.is_ascii_alphanumeric() || "_/+-:".contains(c)))
        {
            errors.push(FieldError::new(
                "connection.timezone",
                "invalid",
                "must be a zone name such as Asia/Shanghai or an offset such as +08:00",
            ));
        }
        let default_pool = if kind == Kind::Sqlite { 4 } else { 10 };
        let pool_size = opts.pool_size.or(old.map(|r| r.pool_size as i64)).unwrap_or(default_pool);
        let pool_size = in_range(&mut errors, "options.poolSize", pool_size, 1, 100);
        let timeout = opts.timeout.or(old.map(|r| r.timeout_ms)).unwrap_or(30_000);
        let timeout = in_range(&mut errors, "options.timeout", timeout, 100, 600_000);
        let max_retries = opts.max_retries.or(old.map(|r| r.max_retries as i64)).unwrap_or(3);
        let max_retries = in_range(&mut errors, "options.maxRetries", max_retries, 0, 10);
        let allowed_roles = self
            .allowed_roles
            .clone()
            .or_else(|| old.map(|r| serde_json::from_str(&r.allowed_roles).unwrap_or_default()))
            .unwrap_or_default();
        for (i, r) in allowed_roles.iter().enumerate() {
            if r.trim().is_empty() {
                errors.push(FieldError::new(format!("allowedRoles[{i}]"), "invalid", "must be a role name"));
            }
        }
        let read_only_tables = self
            .read_only_tables
            .clone()
            .or_else(|| old.map(|r| serde_json::from_str(&r.read_only_tables).unwrap_or_default()))
            .unwrap_or_default();
        for (i, t) in read_only_tables.iter().enumerate() {
            if t.trim().is_empty() || t.len() > 256 {
                errors.push(FieldError::new(format!("readOnlyTables[{i}]"), "invalid", "must be a table name"));
            }
        }
        if !errors.is_empty() {
            return Err(Error::Validation(errors));
        }
        Ok(Checked {
            spec: Spec {
                kind,
                host,
                port: port as u16,
                database,
                username,
                password,
                ssl: conn.ssl.or(old.map(|r| r.ssl)).unwrap_or(false),
                timezone,
                pool_size: pool_size as u32,
                timeout: Duration::from_millis(timeout as u64),
                max_retries: max_retries as u32,
            },
            code,
            name,
            is_default: self.is_default.or(old.map(|r| r.is_default)).unwrap_or(false),
            read_only: self.read_only.or(old.map(|r| r.read_only)).unwrap_or(false),
            allowed_roles,
            read_only_tables,
        })
    }
}

impl Checked {
    pub(crate) fn into_row(
        self,
        id: String,
        password_enc: Option<String>,
        created_by: Option<String>,
        created_at: DateTime<Utc>,
        updated_at: DateTime<Utc>,
    ) -> DatasourceRow {
        DatasourceRow {
            id,
            code: self.code,
            name: self.name,
            kind: self.spec.kind.as_str().to_owned(),
            host: self.spec.host,
            port: self.spec.port as i32,
            database_name: self.spec.database,
            username: self.spec.username,
            password_enc,
            ssl: self.spec.ssl,
            timezone: self.spec.timezone,
            pool_size: self.spec.pool_size as i32,
            timeout_ms: self.spec.timeout.as_millis() as i64,
            max_retries: self.spec.max_retries as i32,
            is_default: self.is_default,
            read_only: self.read_only,
            allowed_roles: serde_json::to_string(&self.allowed_roles).expect("strings serialise"),
            read_only_tables: serde_json::to_string(&self.read_only_tables).expect("strings serialise"),
            created_by,
            created_at,
            updated_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(
            valid_code("mysql_main")
                && valid_code("ds1")
                && !valid_code("1ds")
                && !valid_code("ab_")
                && !valid_code("ab")
        );
        assert_eq!(derive_code("Production DB (EU)"), "production_db_eu");
        assert_eq!(derive_code("2024 sales"), "ds_2024_sales");
        assert!(derive_code("生产数据库").starts_with("ds_"));
        assert!(valid_code(&derive_code("生产数据库")));
    }

    #[test]
    fn every_problem_is_reported() {
        let input = DatasourceInput {
            kind: Some("oracle".into()),
            code: Some("9bad".into()),
            options: Some(OptionsInput { pool_size: Some(0), timeout: Some(1), max_retries: Some(99) }),
            ..Default::default()
        };
        let Err(Error::Validation(errors)) = input.check(None, &SqlitePolicy::default()) else { panic!() };
        let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "name",
                "code",
                "type",
                "connection.database",
                "options.poolSize",
                "options.timeout",
                "options.maxRetries"
            ]
        );
    }
}
