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
    std::env::var("CI").map(|v| !v.is_empty() && v != "false" && v != "0").unwrap_or(false)
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
    std::env::var("QUARRY_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
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
                let url = format!("sqlite://{}?mode=rwc", data_dir.path().join("quarry.db").display());
                Some(TestStore { kind, url, data_dir, pg_database: None })
            }
            StoreKind::Postgres => {
                let admin = postgres_admin_url();
                let mut conn = match tokio::time::timeout(Duration::from_secs(5), PgConnection::connect(&admin)).await {
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
                Some(TestStore { kind, url, data_dir, pg_database: Some(name) })
            }
        }
    }
}

impl TestStore {
    /// The same store for a second server instance, with a data directory of its own. Only the
    /// original drops the database.
    pub fn sharing(&self) -> TestStore {
        TestStore {
            kind: self.kind,
            url: self.url.clone(),
            data_dir: tempfile::tempdir().expect("temp dir"),
            pg_database: None,
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
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&admin).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
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

/// The MariaDB/MySQL server tests use: `QUARRY_TEST_MYSQL_URL`, default the local root account.
pub fn mysql_admin_url() -> String {
    std::env::var("QUARRY_TEST_MYSQL_URL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_owned())
}

/// Which server a scratch database lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Mysql,
    Postgres,
}

/// A fresh, empty database on the local MariaDB or PostgreSQL server, dropped on drop.
pub struct ScratchDb {
    pub kind: ServerKind,
    pub host: String,
    pub port: u16,
    pub username: String,
    /// The database name.
    pub database: String,
    /// A URL for the scratch database itself.
    pub url: String,
    admin: String,
}

fn split_url(url: &str) -> (String, u16, String) {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let (userinfo, hostpart) = rest.rsplit_once('@').unwrap_or(("", rest));
    let user = userinfo.split(':').next().unwrap_or("").to_owned();
    let hostport = hostpart.split('/').next().unwrap_or("");
    let (host, port) = hostport.rsplit_once(':').map(|(h, p)| (h, p.parse().unwrap_or(0))).unwrap_or((hostport, 0));
    (host.to_owned(), port, user)
}

impl ScratchDb {
    /// Makes a fresh database, or `None` when the server is missing outside CI.
    pub async fn new(kind: ServerKind) -> Option<ScratchDb> {
        let admin = match kind {
            ServerKind::Mysql => mysql_admin_url(),
            ServerKind::Postgres => postgres_admin_url(),
        };
        let name = format!("quarry_t_{}", &uuid::Uuid::new_v4().simple().to_string()[..20]);
        // The name is generated above from hex digits only, never from input.
        let create = sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"));
        let made = tokio::time::timeout(Duration::from_secs(5), async {
            match kind {
                ServerKind::Mysql => {
                    let mut c = sqlx::mysql::MySqlConnection::connect(&admin).await?;
                    sqlx::raw_sql(create).execute(&mut c).await?;
                    c.close().await
                }
                ServerKind::Postgres => {
                    let mut c = PgConnection::connect(&admin).await?;
                    sqlx::raw_sql(create).execute(&mut c).await?;
                    c.close().await
                }
            }
        })
        .await;
        let service = match kind {
            ServerKind::Mysql => "MariaDB",
            ServerKind::Postgres => "PostgreSQL",
        };
        match made {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return service_missing(service, &e.to_string()),
            Err(_) => return service_missing(service, "connect timed out"),
        }
        let (host, port, username) = split_url(&admin);
        let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin);
        Some(ScratchDb { kind, host, port, username, url: format!("{base}/{name}"), database: name, admin })
    }

    /// Runs a script of statements (separated by `;`) in the scratch database.
    pub async fn run(&self, script: &str) {
        let sql = sqlx::AssertSqlSafe(script.to_owned());
        match self.kind {
            ServerKind::Mysql => {
                let mut c = sqlx::mysql::MySqlConnection::connect(&self.url).await.expect("connect scratch db");
                sqlx::raw_sql(sql).execute(&mut c).await.expect("run script");
            }
            ServerKind::Postgres => {
                let mut c = PgConnection::connect(&self.url).await.expect("connect scratch db");
                sqlx::raw_sql(sql).execute(&mut c).await.expect("run script");
            }
        }
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        let (kind, admin, name) = (self.kind, self.admin.clone(), self.database.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
            rt.block_on(async {
                match kind {
                    ServerKind::Mysql => {
                        let mut c = sqlx::mysql::MySqlConnection::connect(&admin).await.ok()?;
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}")))
                            .execute(&mut c)
                            .await
                            .ok()
                            .map(|_| ())
                    }
                    ServerKind::Postgres => {
                        let mut c = PgConnection::connect(&admin).await.ok()?;
                        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                            .execute(&mut c)
                            .await
                            .ok()
                            .map(|_| ())
                    }
                }
            })
        })
        .join();
    }
}

/// The Redis server tests use (`QUARRY_TEST_REDIS_URL`, default the local one), or `None` when
/// it is missing outside CI.
pub async fn redis_url() -> Option<String> {
    let url = std::env::var("QUARRY_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned());
    let hostport = url.trim_start_matches("redis://").split('/').next().unwrap_or("127.0.0.1:6379").to_owned();
    match tokio::time::timeout(Duration::from_secs(3), tokio::net::TcpStream::connect(&hostport)).await {
        Ok(Ok(_)) => Some(url),
        Ok(Err(e)) => service_missing("Redis", &e.to_string()),
        Err(_) => service_missing("Redis", "connect timed out"),
    }
}
