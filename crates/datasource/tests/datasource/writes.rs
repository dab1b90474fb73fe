//! Writes in one transaction (generated keys, constraints, dry runs, rollbacks, timeouts) and the
//! bit-flag and column-comparison operators, on the real MariaDB, PostgreSQL and SQLite.

use std::time::Duration;

use datasource::{ExecError, Pool, Spec, WriteOutcome};
use query::write::{CompiledWrite, Delete, Insert, Update, compile_delete, compile_insert, compile_update};
use query::{Catalog, Dialect, Param, Scalar, build};
use serde_json::{Value, json};
use test_support::{ScratchDb, ServerKind};

use super::spec;

const TIMEOUT: Duration = Duration::from_secs(10);

// `flags` is int4 on PostgreSQL, so `flags & $1::bigint` exercises the int4/int8 widening.
const PG_TABLE: &str = "CREATE TABLE item (id serial PRIMARY KEY, name varchar(50) NOT NULL UNIQUE, \
     flags integer NOT NULL DEFAULT 0, small smallint, big bigint, qty integer)";
const MYSQL_TABLE: &str = "CREATE TABLE item (id int AUTO_INCREMENT PRIMARY KEY, name varchar(50) NOT NULL UNIQUE, \
     flags int NOT NULL DEFAULT 0, small smallint, big bigint unsigned, qty int) ENGINE=InnoDB";
const SQLITE_TABLE: &str = "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL UNIQUE, \
     flags INTEGER NOT NULL DEFAULT 0, small SMALLINT, big BIGINT, qty INTEGER)";

/// The rows every test starts from: `(name, flags, qty)`; `small` repeats `flags` and `big`
/// holds `flags << 33`, so masks are tried on 16-, 32- and 64-bit columns.
const ROWS: [(&str, i64, i64); 6] = [("a", 0, 0), ("b", 1, 2), ("c", 3, 3), ("d", 5, 1), ("e", 7, 7), ("f", 4, 9)];

fn text(s: &str) -> Scalar {
    Scalar::Text(s.into())
}

fn pairs(items: &[(&str, Scalar)]) -> Vec<(String, Scalar)> {
    items.iter().map(|(c, v)| ((*c).to_owned(), v.clone())).collect()
}

struct Db {
    pool: Pool,
    catalog: Catalog,
    dialect: Dialect,
}

impl Db {
    fn insert(&self, values: &[(&str, Scalar)]) -> CompiledWrite {
        compile_insert(&Insert { table: "item".into(), values: pairs(values) }, &self.catalog, self.dialect).unwrap()
    }

    fn update(&self, set: &[(&str, Scalar)], key: &[(&str, Scalar)]) -> CompiledWrite {
        let update = Update { table: "item".into(), set: pairs(set), key: pairs(key) };
        compile_update(&update, &self.catalog, self.dialect).unwrap()
    }

    fn delete(&self, key: &[(&str, Scalar)]) -> CompiledWrite {
        compile_delete(&Delete { table: "item".into(), key: pairs(key) }, &self.catalog, self.dialect).unwrap()
    }

    async fn write(&self, statements: &[CompiledWrite], commit: bool) -> Result<Vec<WriteOutcome>, ExecError> {
        self.pool.execute_writes(statements, commit, TIMEOUT).await
    }

    async fn select(&self, columns: Value, filter: Value) -> Vec<Vec<Value>> {
        let q = json!({"tables": [{"name": "item", "columns": columns, "where": filter, "orderBy": ["id"]}]});
        let compiled = build(&q, &self.catalog, self.dialect).unwrap_or_else(|e| panic!("{q}: {e:?}"));
        self.pool.fetch_rows(&compiled, TIMEOUT).await.unwrap_or_else(|e| panic!("{}: {e}", compiled.sql))
    }

    /// Every row as `[id, name, flags, qty]`, in id order.
    async fn rows(&self) -> Vec<Vec<Value>> {
        self.select(json!(["id", "name", "flags", "qty"]), json!({})).await
    }

    async fn names(&self, filter: Value) -> Vec<String> {
        let rows = self.select(json!(["name"]), filter).await;
        rows.into_iter().map(|r| r[0].as_str().expect("a name").to_owned()).collect()
    }
}

fn constraint(result: Result<Vec<WriteOutcome>, ExecError>, what: &str) -> String {
    match result {
        Err(ExecError::Constraint { message }) => message,
        other => panic!("{what}: expected a constraint violation, got {other:?}"),
    }
}

async fn exercise(pool: Pool) {
    let catalog = pool.introspect().await.unwrap().catalog();
    assert_eq!(catalog.table("item").unwrap().primary_key, ["id"]);
    let db = Db { dialect: pool.kind().dialect(), pool, catalog };

    // Inserts in one transaction, each returning its generated id.
    let inserts: Vec<CompiledWrite> = ROWS
        .iter()
        .map(|&(name, flags, qty)| {
            db.insert(&[
                ("name", text(name)),
                ("flags", Scalar::Int(flags)),
                ("small", Scalar::Int(flags)),
                ("big", Scalar::Int(flags << 33)),
                ("qty", text(&qty.to_string())),
            ])
        })
        .collect();
    let outcomes = db.write(&inserts, true).await.unwrap();
    let expected: Vec<WriteOutcome> =
        (1..=ROWS.len()).map(|id| WriteOutcome { affected: 1, returned: vec![vec![json!(id)]] }).collect();
    assert_eq!(outcomes, expected);

    bit_flags(&db).await;
    assert_eq!(db.names(json!({"qty": {"$col": "flags"}})).await, ["a", "c", "e"]);
    assert_eq!(db.names(json!({"qty": {"$gt": {"$col": "flags"}}})).await, ["b", "f"]);
    assert_eq!(db.names(json!({"small": {"$ne": {"$col": "big"}}})).await, ["b", "c", "d", "e", "f"]);

    // Updates and deletes touch exactly the rows of their key. Setting a value a row already
    // has still counts the row (MySQL reports found rows, not changed ones).
    let outcomes = db
        .write(
            &[
                db.update(&[("qty", Scalar::Int(10))], &[("id", Scalar::Int(2))]),
                db.update(&[("flags", Scalar::Int(3))], &[("name", text("c"))]),
                db.update(&[("qty", Scalar::Int(11))], &[("name", text("nobody"))]),
                db.delete(&[("id", text("6"))]),
                db.delete(&[("id", Scalar::Int(99))]),
            ],
            true,
        )
        .await
        .unwrap();
    let affected: Vec<u64> = outcomes.iter().map(|o| o.affected).collect();
    assert_eq!(affected, [1, 1, 0, 1, 0]);
    assert!(outcomes.iter().all(|o| o.returned.is_empty()));
    let after = db.rows().await;
    let expected = vec![
        json!([1, "a", 0, 0]),
        json!([2, "b", 1, 10]),
        json!([3, "c", 3, 3]),
        json!([4, "d", 5, 1]),
        json!([5, "e", 7, 7]),
    ];
    assert_eq!(after.into_iter().map(Value::from).collect::<Vec<_>>(), expected);
    let before = db.rows().await;

    // Constraint violations are told apart from other failures.
    let message = constraint(db.write(&[db.insert(&[("name", text("a"))])], true).await, "duplicate name");
    assert!(!message.is_empty());
    constraint(db.write(&[db.insert(&[("flags", Scalar::Int(1))])], true).await, "missing NOT NULL name");
    constraint(db.write(&[db.update(&[("name", Scalar::Null)], &[("id", Scalar::Int(1))])], true).await, "NULL name");
    assert_eq!(db.rows().await, before);

    // A dry run reports what would happen and leaves the table as it was.
    let outcomes = db
        .write(
            &[
                db.insert(&[("name", text("g")), ("flags", Scalar::Int(2))]),
                db.update(&[("qty", Scalar::Int(50))], &[("id", Scalar::Int(1))]),
                db.delete(&[("id", Scalar::Int(2))]),
            ],
            false,
        )
        .await
        .unwrap();
    assert_eq!(outcomes.iter().map(|o| o.affected).collect::<Vec<_>>(), [1, 1, 1]);
    assert!(outcomes[0].returned[0][0].as_i64().is_some_and(|id| id > 5), "{:?}", outcomes[0]);
    assert_eq!(db.rows().await, before);

    // A failing statement undoes the ones before it.
    let err = db
        .write(
            &[
                db.insert(&[("name", text("h"))]),
                db.update(&[("qty", Scalar::Int(60))], &[("id", Scalar::Int(1))]),
                db.insert(&[("name", text("b"))]),
            ],
            true,
        )
        .await;
    constraint(err, "the third statement");
    assert_eq!(db.rows().await, before);

    // And the pool is still fine for the next write.
    let outcomes = db.write(&[db.insert(&[("name", text("h"))])], true).await.unwrap();
    assert_eq!(outcomes[0].returned.len(), 1);
    assert_eq!(db.names(json!({"name": "h"})).await, ["h"]);
    db.pool.close().await;
}

/// Every bit-flag operator with several masks on 16-, 32- and 64-bit columns, checked against
/// the same test computed in Rust.
async fn bit_flags(db: &Db) {
    type Holds = fn(i64, i64) -> bool;
    let ops: [(&str, Holds); 6] = [
        ("$bitEq", |v, m| v == m),
        ("$bitNe", |v, m| v != m),
        ("$hasAll", |v, m| v & m == m),
        ("$hasNotAll", |v, m| v & m != m),
        ("$hasAny", |v, m| v & m > 0),
        ("$hasNone", |v, m| v & m == 0),
    ];
    for (op, holds) in ops {
        for mask in [0i64, 1, 2, 3, 4, 6, 7, 8] {
            for (column, shift) in [("flags", 0), ("small", 0), ("big", 33)] {
                let expected: Vec<&str> =
                    ROWS.iter().filter(|r| holds(r.1 << shift, mask << shift)).map(|r| r.0).collect();
                let found = db.names(json!({column: {op: mask << shift}})).await;
                assert_eq!(found, expected, "{:?}: {column} {op} {mask}", db.dialect);
            }
        }
    }
}

/// A slow statement inside a batch is cancelled at the timeout and nothing is committed. Built
/// by hand: the compiler never writes a sleep, but a slow write is what is being tested.
async fn times_out(pool: Pool, slow: &str) {
    let catalog = pool.introspect().await.unwrap().catalog();
    let dialect = pool.kind().dialect();
    let first = Insert { table: "item".into(), values: pairs(&[("name", text("slow"))]) };
    let first = compile_insert(&first, &catalog, dialect).unwrap();
    let slow =
        CompiledWrite { sql: slow.into(), params: vec![Param::Int(1)], display_sql: String::new(), returning: vec![] };
    let started = std::time::Instant::now();
    let err = pool.execute_writes(&[first, slow], true, Duration::from_millis(300)).await.unwrap_err();
    assert!(matches!(err, ExecError::Timeout(_)), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    let q = build(&json!({"tables": [{"name": "item", "columns": ["count(*)"]}]}), &catalog, dialect).unwrap();
    assert_eq!(pool.fetch_rows(&q, TIMEOUT).await.unwrap(), [[json!(0)]], "the insert before it was rolled back");
    pool.close().await;
}

#[tokio::test]
async fn postgres_writes_and_flag_operators() {
    let Some(db) = ScratchDb::new(ServerKind::Postgres).await else { return };
    db.run(PG_TABLE).await;
    exercise(Pool::connect(&spec(&db)).await.unwrap()).await;
}

#[tokio::test]
async fn mariadb_writes_and_flag_operators() {
    let Some(db) = ScratchDb::new(ServerKind::Mysql).await else { return };
    db.run(MYSQL_TABLE).await;
    exercise(Pool::connect(&spec(&db)).await.unwrap()).await;
}

#[tokio::test]
async fn sqlite_writes_and_flag_operators() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("items.db");
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
    sqlx::raw_sql(SQLITE_TABLE).execute(&mut c).await.unwrap();
    let spec = Spec { pool_size: 2, timeout: Duration::from_secs(5), ..Spec::sqlite(path.display().to_string()) };
    exercise(Pool::connect(&spec).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_slow_writes_time_out_and_roll_back() {
    let Some(db) = ScratchDb::new(ServerKind::Postgres).await else { return };
    db.run(PG_TABLE).await;
    times_out(Pool::connect(&spec(&db)).await.unwrap(), "SELECT pg_sleep(5), $1::int").await;
}

#[tokio::test]
async fn mariadb_slow_writes_time_out_and_roll_back() {
    let Some(db) = ScratchDb::new(ServerKind::Mysql).await else { return };
    db.run(MYSQL_TABLE).await;
    times_out(Pool::connect(&spec(&db)).await.unwrap(), "SELECT SLEEP(5) + ?").await;
}
