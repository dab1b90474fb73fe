//! Benchmark: introspecting a schema of 300 tables on PostgreSQL, MariaDB and SQLite.
//!
//! Run: `cargo run --release -p datasource --example bench_introspect` (needs the local
//! PostgreSQL and MariaDB of the test setup; see README).

use std::time::{Duration, Instant};

use datasource::{Kind, Pool, Spec};
use test_support::{ScratchDb, ServerKind};

const TABLES: usize = 300;

fn script(kind: Kind) -> String {
    let mut s = String::from("CREATE TABLE parent (id integer PRIMARY KEY, name varchar(40));\n");
    for i in 0..TABLES {
        let comment = match kind {
            Kind::Mysql => format!(" COMMENT 'table {i}'"),
            _ => String::new(),
        };
        s.push_str(&format!(
            "CREATE TABLE t{i:03} (id integer PRIMARY KEY, parent_id integer REFERENCES parent (id), code varchar(20) NOT NULL, \
             amount decimal(12,2), status varchar(10), created_at timestamp, note text, flag boolean){comment};\n\
             CREATE INDEX t{i:03}_code ON t{i:03} (code);\nCREATE INDEX t{i:03}_status_created ON t{i:03} (status, created_at);\n"
        ));
    }
    s
}

fn spec(kind: Kind, host: &str, port: u16, database: &str, username: &str) -> Spec {
    Spec {
        kind,
        host: host.into(),
        port,
        database: database.into(),
        username: username.into(),
        password: None,
        ssl: false,
        timezone: None,
        pool_size: 2,
        timeout: Duration::from_secs(10),
        max_retries: 0,
    }
}

async fn measure(name: &str, pool: &Pool) {
    let mut times = Vec::new();
    for _ in 0..7 {
        let started = Instant::now();
        let schema = pool.introspect().await.expect("introspect");
        times.push(started.elapsed());
        assert_eq!(schema.tables.len(), TABLES + 1);
    }
    times.sort();
    println!(
        "{name:<10} {} tables: min {:>7.1} ms  median {:>7.1} ms  max {:>7.1} ms",
        TABLES + 1,
        ms(times[0]),
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[tokio::main]
async fn main() {
    for (server, kind, name) in
        [(ServerKind::Postgres, Kind::Postgres, "postgres"), (ServerKind::Mysql, Kind::Mysql, "mariadb")]
    {
        let Some(db) = ScratchDb::new(server).await else {
            continue;
        };
        db.run(&script(kind)).await;
        let pool = Pool::connect(&spec(kind, &db.host, db.port, &db.database, &db.username)).await.unwrap();
        measure(name, &pool).await;
        pool.close().await;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(script(Kind::Sqlite))).execute(&mut c).await.unwrap();
    let pool = Pool::connect(&spec(Kind::Sqlite, "", 0, path.to_str().unwrap(), "")).await.unwrap();
    measure("sqlite", &pool).await;
}
