//! Shared test helpers: fresh metadata stores on SQLite and PostgreSQL, and the rule for missing services.
//!
//! A test that needs a service (PostgreSQL, MariaDB, Redis…) asks for it here.
//! In CI (`CI` set to anything but `false`/`0`) a missing service fails the
//! test; in a plain local run the test prints a notice and passes without
//! running, so a laptop without PostgreSQL can still run the suite.

use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The backends a store test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

/// Whether this run is CI, where every service must be present.
pub fn in_ci() -> bool {
    std::env::var("CI")
        .map(|v| !v.is_empty() && v != "false" && v != "0")
        .unwrap_or(false)
}

/// Handles a missing service: panics in CI, prints a notice and returns `None` locally.
pub fn service_missing<T>(service: &str, why: &str) -> Option<T> {
    if in_ci() {
        panic!("{service} is required in CI but unavailable: {why}");
    }
    eprintln!("NOTICE: skipping test body, {service} unavailable ({why}); CI runs it.");
    None
}

/// The PostgreSQL server tests use: `QUARRY_TEST_POSTGRES_URL`, default the local trust-auth server.
pub fn postgres_admin_url() -> String {
    std::env::var("QUARRY_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// A fresh, empty metadata store location, removed again on drop.
pub struct TestStore {
    pub kind: StoreKind,
    /// The URL to hand to `quarry --database-url` or `Store::connect`.
    pub url: String,
    /// A fresh data directory for the server (also holds the SQLite file).
    pub data_dir: tempfile::TempDir,
    pg_database: Option<String>,
}

impl TestStore {
    /// Makes a fresh store of `kind`, or `None` when its service is missing outside CI.
    pub async fn new(kind: StoreKind) -> Option<TestStore> {
        let data_dir = tempfile::tempdir().expect("temp dir");
        match kind {
            StoreKind::Sqlite => {
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    data_dir.path().join("quarry.db").display()
                );
                Some(TestStore {
                    kind,
                    url,
                    data_dir,
                    pg_database: None,
                })
            }
            StoreKind::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = match tokio::time::timeout(
                    Duration::from_secs(5),
                    PgConnection::connect(&admin),
                )
                .await
                {
                    Ok(Ok(conn)) => conn,
                    Ok(Err(e)) => return service_missing("PostgreSQL", &e.to_string()),
                    Err(_) => return service_missing("PostgreSQL", "connect timed out"),
                };
                let name = format!("quarry_t_{}", uuid::Uuid::new_v4().simple());
                // The name is generated above from hex digits only, never from input.
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&mut conn)
                    .await
                    .expect("create test database");
                let _ = conn.close().await;
                let url = match admin.rsplit_once('/') {
                    Some((base, _)) => format!("{base}/{name}"),
                    None => panic!("QUARRY_TEST_POSTGRES_URL must end in /database"),
                };
                Some(TestStore {
                    kind,
                    url,
                    data_dir,
                    pg_database: Some(name),
                })
            }
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        let Some(name) = self.pg_database.take() else {
            return;
        };
        let admin = postgres_admin_url();
        // Drop runs outside any runtime guarantee, so use a private one on its own thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await
                .ok()
            })
        })
        .join();
    }
}

/// Declares each listed `async fn name(store: TestStore)` as two tests, `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! store_tests {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(store) = $crate::TestStore::new($crate::StoreKind::Sqlite).await {
                        super::$name(store).await
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(store) = $crate::TestStore::new($crate::StoreKind::Postgres).await {
                        super::$name(store).await
                    }
                }
            )*
        }
    };
}
